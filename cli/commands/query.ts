// `da query "SQL"`: runs one SELECT on the server (POST /api/query) and prints the rows: a table on
// a terminal, CSV when piped, or --format csv|json|ndjson|table. The SQL comes from the argument,
// --sql, or --stdin (the original client's JSON `{"sql": …}`, or plain SQL text).
import { writeFile } from "node:fs/promises";
import type { QueryAnswer } from "../../src/shared/contract";
import { csvField, toCsv } from "../../src/shared/csv";
import type { Command } from "../command";
import type { Context } from "../context";
import { UsageError } from "../errors";
import { info, printTable } from "../output";
import { inert } from "../inert";
import { sys } from "../system";

const FORMATS = ["table", "csv", "json", "ndjson", "parquet"] as const;
type Format = (typeof FORMATS)[number];
/** The server stops a query at QUERY_TIMEOUT_S; wait a little longer for its answer. */
const QUERY_REQUEST_TIMEOUT_MS = 10 * 60_000;

async function readStdin(): Promise<string> {
  return await sys().stdin.text();
}

async function sqlOf(ctx: Context): Promise<{ sql: string; limit?: number }> {
  const sources = [ctx.args[0], ctx.flag("sql"), ctx.flags.stdin === true ? "stdin" : undefined].filter((s) => s !== undefined);
  if (sources.length !== 1) throw new UsageError("give the SQL once: as an argument, with --sql, or with --stdin", 'da query "SELECT 1"');
  if (ctx.flags.stdin !== true) return { sql: (ctx.args[0] ?? ctx.flag("sql"))! };
  const text = await readStdin();
  try {
    const body = JSON.parse(text) as { sql?: unknown; limit?: unknown };
    if (typeof body.sql === "string") return { sql: body.sql, limit: typeof body.limit === "number" ? body.limit : undefined };
  } catch {
    // not JSON: the text is the SQL
  }
  return { sql: text };
}

function limitOf(ctx: Context, fromStdin: number | undefined): number | undefined {
  const raw = ctx.flag("limit");
  if (raw === undefined) return fromStdin;
  if (!/^\d{1,9}$/.test(raw)) throw new UsageError(`--limit must be a whole number, not "${raw}"`);
  return Number(raw);
}

export function render(answer: QueryAnswer, format: Exclude<Format, "table" | "parquet">): string {
  if (format === "json") return `${JSON.stringify(answer, null, 2)}\n`;
  if (format === "ndjson") {
    return (
      answer.rows.map((row) => JSON.stringify(Object.fromEntries(answer.columns.map((c, i) => [c, row[i]])))).join("\n") + (answer.rows.length ? "\n" : "")
    );
  }
  return toCsv(answer.columns, answer.rows);
}

/** A spinner on stderr while the server works (only on a terminal). */
function spinner(): () => void {
  if (!sys().stderr.isTTY) return () => undefined;
  const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
  let i = 0;
  const timer = setInterval(() => sys().stderr.write(`\r${frames[i++ % frames.length]} running query…`), 100);
  return () => {
    clearInterval(timer);
    sys().stderr.write("\r\x1b[K");
  };
}

/** Parquet comes from the server as a file (every row, up to its QUERY_MAX_RESULT_MB), not as JSON. */
async function saveParquet(ctx: Context, body: { sql: string; limit?: number }, output: string | undefined): Promise<void> {
  if (!output && sys().stdout.isTTY)
    throw new UsageError("Parquet is binary: give --output FILE or pipe it", "da query … --format parquet --output result.parquet");
  const api = ctx.api();
  const response = await api.send("POST", "/api/query", { body, query: { format: "parquet" }, timeoutMs: QUERY_REQUEST_TIMEOUT_MS });
  if (!response.ok) throw await api.failure(response, {});
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (output) await writeFile(output, bytes);
  else sys().stdout.write(bytes);
}

async function runQuery(ctx: Context): Promise<void> {
  const { sql, limit: stdinLimit } = await sqlOf(ctx);
  const limit = limitOf(ctx, stdinLimit);
  const output = ctx.flag("output");
  const format = (ctx.flag("format") as Format | undefined) ?? (ctx.json ? "json" : undefined) ?? (output || !sys().stdout.isTTY ? "csv" : "table");
  if (format === "table" && output) throw new UsageError("--output writes csv, json, ndjson or parquet", "add --format csv");
  const stop = spinner();
  if (format === "parquet") return saveParquet(ctx, { sql, limit }, output).finally(stop);
  let answer: QueryAnswer;
  try {
    answer = await ctx.api().post<QueryAnswer>("/api/query", limit === undefined ? { sql } : { sql, limit }, {
      timeoutMs: QUERY_REQUEST_TIMEOUT_MS,
      exact: true,
    });
  } finally {
    stop();
  }
  if (format === "table") {
    const columns = answer.columns.map((header, i) => ({ header, value: (row: unknown[]) => csvField(row[i]) }));
    printTable(answer.rows, columns, "(no rows)");
  } else if (output) await writeFile(output, render(answer, format));
  // Exact into a pipe; on a terminal, a cell someone uploaded cannot drive it (cli/inert.ts).
  else sys().stdout.write(sys().stdout.isTTY ? inert(render(answer, format)) : render(answer, format));
  if (answer.truncated) info(`Showing the first ${answer.rows.length} rows; the result has more (--limit raises it up to the server's QUERY_MAX_ROWS).`);
}

export const queryCommand: Command = {
  kind: "command",
  name: "query",
  summary: "Run a SELECT on the server's datasets and print the rows",
  args: "[SQL]",
  maxArgs: 1,
  flags: {
    sql: { type: "string", valueName: "sql", description: "the SQL (instead of the argument)" },
    stdin: { type: "boolean", description: 'read {"sql": …} (or plain SQL) from stdin' },
    format: { type: "string", choices: FORMATS, description: "output format (default: table on a terminal, csv otherwise)" },
    limit: { type: "string", valueName: "n", description: "at most n rows (default 1000; the server caps it at QUERY_MAX_ROWS)" },
    output: { type: "string", short: "o", valueName: "file", description: "write the rows to a file (csv unless --format)" },
    remote: { type: "boolean", description: "run on the server (the only mode today; accepted for the original client's scripts)" },
    json: { type: "boolean", description: "the same as --format json" },
  },
  run: runQuery,
};
