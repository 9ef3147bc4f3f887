/** A UTC timestamp shown to the minute, with the exact ISO value on hover; "—" when absent. */
export function Time({ at, empty = "—" }: { at: Date | string | null | undefined; empty?: string }) {
  if (!at) return <span class="muted">{empty as "safe"}</span>;
  const iso = typeof at === "string" ? at : at.toISOString();
  return (
    <time datetime={iso} title={iso}>
      {`${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` as "safe"}
    </time>
  );
}
