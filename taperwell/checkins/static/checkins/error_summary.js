/* When answers are missing, move focus to the summary at the top, so a screen reader reads it and
   a keyboard user starts there. Its links move focus to the question itself, not only the view. */
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    var group = target.closest("fieldset") || target;
    group.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  });
})();
