import type { Flash } from "../../src/shared/page-context";

export function FlashMessage({ flash }: { flash: Flash | null }) {
  if (!flash) return <></>;
  return (
    <div class={`flash flash-${flash.kind}`} role={flash.kind === "error" ? "alert" : "status"}>
      <span safe>{flash.message}</span>
    </div>
  );
}
