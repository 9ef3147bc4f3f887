// Results as a Markdown table, the shape a language model reads best. Cells are one line each
// (newlines and pipes would break the table) and cut at a bounded width.
const MAX_CELL = 200;

function cell(value: unknown): string {
  const raw = value === null || value === undefined ? "NULL" : typeof value === "object" ? JSON.stringify(value) : String(value);
  const flat = raw.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL)}…` : flat;
}

export function textTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const line = (cells: readonly unknown[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(columns), `|${columns.map(() => " --- ").join("|")}|`, ...rows.map(line)].join("\n");
}
