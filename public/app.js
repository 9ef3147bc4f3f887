// Progressive enhancements only; every page works without this file.
// - [data-copy]: copy the attribute's text to the clipboard.
// - form[data-confirm]: ask before submitting (the server still requires its own confirmation step
//   where the action is destructive).
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
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
