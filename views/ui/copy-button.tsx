/** Copies `text` to the clipboard (public/app.js); without JavaScript the text is still selectable beside it. */
/** `autofocus`: a one-time reveal's button, which takes the focus when the page opens. */
export function CopyButton({ text, label = "Copy", autofocus }: { text: string; label?: string; autofocus?: boolean }) {
  return (
    <button type="button" class="button small copy" data-copy={text} autofocus={autofocus}>
      <span safe>{label}</span>
    </button>
  );
}
