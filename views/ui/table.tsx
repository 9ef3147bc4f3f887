import type { PropsWithChildren } from "@kitajs/html";

/** A table with one header row; `columns` are its labels ("" for an unlabelled actions column). */
export function Table({ columns, class: className, children }: PropsWithChildren<{ columns: readonly string[]; class?: string }>) {
  return (
    <table class={className}>
      <thead>
        <tr>
          {columns.map((label) => (
            <th safe>{label}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children as "safe"}</tbody>
    </table>
  );
}

/** The row a filtered list shows when nothing matches, spanning every column. */
export function EmptyRow({ columns, text }: { columns: number; text: string }) {
  return (
    <tr>
      <td colspan={String(columns)} class="muted" safe>
        {text}
      </td>
    </tr>
  );
}
