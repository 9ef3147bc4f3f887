import type { Flash } from "../../src/shared/page-context";

/**
 * The one message box: the flash left by the previous POST (from the layout), or a form's own error
 * (login, setup, password reset). Nothing is rendered without a message. An error takes the focus
 * (and a refused post redirects to #flash), so a keyboard or screen-reader user starts from it.
 */
export function Alert({ flash }: { flash: Pick<Flash, "kind" | "message"> | null | undefined }) {
  if (!flash) return <></>;
  return (
    <div
      class={`flash flash-${flash.kind}`}
      id="flash"
      tabindex="-1"
      {...{ autofocus: flash.kind === "error" }}
      role={flash.kind === "error" ? "alert" : "status"}
    >
      <span safe>{flash.message}</span>
    </div>
  );
}

/** A form's error message, or nothing. */
export function ErrorAlert({ message }: { message: string | null | undefined }) {
  return <Alert flash={message ? { kind: "error", message } : null} />;
}
