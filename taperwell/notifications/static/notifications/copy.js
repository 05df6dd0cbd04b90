// The "Copy" button next to the calendar address: puts the address on the clipboard and says so
// in a status line (read out by screen readers). A file, not inline code: the CSP allows only ours.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.dataset.copyStatus);
  const text = source.textContent.trim();
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = button.dataset.copied;
  } catch {
    // No clipboard here (an older phone, or not allowed): select the address to copy by hand.
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    status.textContent = button.dataset.selectHint;
  }
});
