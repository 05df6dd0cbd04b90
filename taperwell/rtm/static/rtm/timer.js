// A simple timer for care time: Start, Stop, and the minutes field is filled in (rounded up).
// Without JavaScript the form still works by typing the minutes.
(function () {
  "use strict";
  function setUp(form) {
    var box = form.querySelector(".timer");
    var toggle = form.querySelector("[data-timer-toggle]");
    var readout = form.querySelector("[data-timer-readout]");
    var minutes = form.querySelector("input[name=minutes]");
    var timed = form.querySelector("input[name=timed]");
    if (!box || !toggle || !readout || !minutes) return;
    box.hidden = false;
    var started = null;
    var tick = null;
    function elapsed() { return Math.floor((Date.now() - started) / 1000); }
    function show() {
      var s = elapsed();
      readout.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    }
    toggle.addEventListener("click", function () {
      if (started === null) {
        started = Date.now();
        tick = window.setInterval(show, 1000);
        toggle.textContent = "Stop timer";
      } else {
        window.clearInterval(tick);
        minutes.value = String(Math.max(1, Math.ceil(elapsed() / 60)));
        if (timed) timed.value = "True";
        started = null;
        toggle.textContent = "Start timer";
        minutes.focus();
      }
    });
  }
  document.querySelectorAll("form[data-timer]").forEach(setUp);
})();
