/* Small behaviours every page may use. No inline scripts anywhere: the Content-Security-Policy
   only runs scripts from our own files. */
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
