// Everything the CLI prints goes through here: data to stdout (JSON or a table), messages and
// warnings to stderr, so `da … --json | jq` and `$(da … --raw)` stay clean.

import { sys, type Stream } from "./system";
import { inertLine } from "./inert";

function colourOn(stream: Stream): boolean {
  // https://no-color.org: any non-empty NO_COLOR disables colour.
  if (sys().env.NO_COLOR) return false;
  return stream.isTTY === true;
}

function paint(code: number, reset: number) {
  return (text: string, stream: Stream = sys().stdout) => (colourOn(stream) ? `\x1b[${code}m${text}\x1b[${reset}m` : text);
}

export const bold = paint(1, 22);
export const dim = paint(2, 22);
export const red = paint(31, 39);
export const green = paint(32, 39);
export const yellow = paint(33, 39);

export function printJson(value: unknown): void {
  sys().stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text = ""): void {
  sys().stdout.write(`${text}\n`);
}

/** A status message for humans; stderr so it never mixes with data on stdout. */
export function info(text: string): void {
  sys().stderr.write(`${text}\n`);
}

export function success(text: string): void {
  sys().stderr.write(`${green("✓", sys().stderr)} ${text}\n`);
}

export function warn(text: string): void {
  sys().stderr.write(`${yellow("warning:", sys().stderr)} ${text}\n`);
}

export function printError(message: string, hint?: string): void {
  sys().stderr.write(`${red("error:", sys().stderr)} ${message}\n`);
  if (hint) sys().stderr.write(`${dim("hint:", sys().stderr)} ${hint}\n`);
}

/** `2026-11-26T17:20:14.123Z` → `2026-11-26 17:20 UTC`; null → the fallback word. */
export function formatTime(iso: string | null | undefined, fallback = "never"): string {
  if (!iso) return fallback;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * The server pages its lists (its own default size), so a list that stops short says so rather
 * than passing for everything; on stderr, so `--json` output stays one JSON value.
 */
export function notePartialPage(shown: number, offset: number, total: number | null, what: string): void {
  if (total === null || offset + shown >= total) return;
  info(`Showing ${what} ${offset + 1}–${offset + shown} of ${total}; use --limit and --offset for the rest.`);
}

export type Column<Row> = { header: string; value: (row: Row) => string };

function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

/** Narrow the widest columns until the table fits the terminal (only when printing to one). */
function fitWidths(widths: number[], available: number | undefined): number[] {
  if (!available) return widths;
  const gaps = (widths.length - 1) * 2;
  const fitted = [...widths];
  while (fitted.reduce((sum, w) => sum + w, 0) + gaps > available) {
    const widest = fitted.indexOf(Math.max(...fitted));
    if (fitted[widest]! <= 8) break;
    fitted[widest]! -= 1;
  }
  return fitted;
}

export function printTable<Row>(rows: Row[], columns: Column<Row>[], empty = "(none)"): void {
  if (rows.length === 0) {
    info(empty);
    return;
  }
  // Cells and headers come from a server or a dataset: one line each, and inert (cli/inert.ts).
  const cells = rows.map((row) => columns.map((column) => inertLine(column.value(row))));
  const natural = columns.map((column, i) => Math.max(inertLine(column.header).length, ...cells.map((line) => line[i]!.length)));
  const widths = fitWidths(natural, sys().stdout.isTTY ? sys().stdout.columns : undefined);
  const render = (line: string[]) =>
    line
      .map((cell, i) => truncate(cell, widths[i]!).padEnd(i === line.length - 1 ? 0 : widths[i]!))
      .join("  ")
      .trimEnd();
  printLine(bold(render(columns.map((column) => inertLine(column.header)))));
  for (const line of cells) printLine(render(line));
}

/** An action's outcome: a ✓ line for people, or (with --json) the object a script can read. */
export function done(json: boolean, message: string, data: Record<string, unknown>): void {
  if (json) printJson(data);
  else success(message);
}
