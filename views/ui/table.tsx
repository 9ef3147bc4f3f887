import type { PropsWithChildren } from "@kitajs/html";

/**
 * A table with one header row; `columns` are its labels ("" for an unlabelled actions column). It sits
 * in a box that scrolls sideways when the table is wider than the screen (focusable, so a keyboard can
 * scroll it); `stack`: its cells carry `data-label` (see Cell) and become label/value lines on a phone.
 */
export function Table({
  columns,
  class: className,
  stack,
  label,
  children,
}: PropsWithChildren<{ columns: readonly string[]; class?: string; stack?: boolean; label?: string }>) {
  const classes = [className, stack ? "stacking" : ""].filter(Boolean).join(" ");
  return (
    <section class="table-scroll" tabindex="0" aria-label={label ?? "Table (scrolls sideways on a narrow screen)"}>
      <table class={classes || undefined}>
        <thead>
          <tr>
            {columns.map((label) => (
              <th safe>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children as "safe"}</tbody>
      </table>
    </section>
  );
}

/** A cell of a stacking table: `label` is shown beside the value on a phone (the header is hidden there). */
export function Cell({ label, class: className, children }: PropsWithChildren<{ label: string; class?: string }>) {
  return (
    <td data-label={label || undefined} class={className}>
      <div class="cell">{children as "safe"}</div>
    </td>
  );
}

/**
 * The row a list shows when nothing is there: what to do next, and with `clearHref` (a filtered list)
 * a link that drops the filters.
 */
export function EmptyRow({ columns, text, clearHref }: { columns: number; text: string; clearHref?: string }) {
  return (
    <tr>
      <td colspan={String(columns)} class="muted empty-state">
        <span safe>{text}</span>
        {clearHref ? (
          <>
            {" "}
            <a href={clearHref}>Clear the filters</a>
          </>
        ) : (
          ""
        )}
      </td>
    </tr>
  );
}
