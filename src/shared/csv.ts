// Query rows as CSV (RFC 4180), for `da query` and the /data page's download: the same bytes both ways.

/** Quote a field that holds a comma, quote, CR or LF; double the quotes inside. Lists and structs as JSON. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(columns: string[], rows: unknown[][]): string {
  return `${[columns, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n")}\r\n`;
}
