import { CopyButton } from "./copy-button";

/** A single-use link shown once (a reset link, an invitation): what to do with it, the link, a Copy button (focused, #revealed). */
export function LinkReveal({ url, codeClass, children }: { url: string; codeClass: string; children: JSX.Element }) {
  return (
    <div class="reveal" id="revealed" role="status">
      {children}
      <div class="row">
        <code class={codeClass} safe>
          {url}
        </code>
        <CopyButton text={url} autofocus />
      </div>
    </div>
  );
}
