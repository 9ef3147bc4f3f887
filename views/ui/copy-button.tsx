/** Copies `text` to the clipboard (public/app.js); without JavaScript the text is still selectable beside it. */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  return (
    <button type="button" class="button small copy" data-copy={text}>
      <span safe>{label}</span>
    </button>
  );
}
