// Progressive enhancements only; every page works without this file.
// - [data-copy]: copy the attribute's text to the clipboard.
// Risky actions ask on the server (a confirmation page, src/http/confirm-form.ts), never in a script dialog.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
  if (!button) return;
  const text = button.getAttribute("data-copy") || "";
  navigator.clipboard.writeText(text).then(
    () => {
      button.textContent = "Copied";
      setTimeout(() => {
        button.textContent = "Copy";
      }, 1500);
    },
    () => {
      button.textContent = "Select and copy";
    },
  );
});
