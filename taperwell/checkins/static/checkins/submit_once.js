/* A second tap while the first is still sending does nothing (the server also records it once). */
document.querySelectorAll("form button[data-once]").forEach(function (button) {
  button.form.addEventListener("submit", function () {
    setTimeout(function () { button.disabled = true; button.setAttribute("aria-busy", "true"); }, 0);
  });
});
