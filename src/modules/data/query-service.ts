// Runs one user query in the sandbox (sandbox.ts): only a single statement that DuckDB's own
// parser calls a SELECT, through the concurrency gate, with a timeout that interrupts DuckDB
// (the query stops, it is not abandoned), and an answer bounded in rows and bytes. Every query is
// audited (`data.query`) and counted in /metrics.
import { JsonDuckDBValueConverter, StatementType, type DuckDBConnection, type DuckDBPreparedStatement } from "@duckdb/node-api";
import type { AppContext } from "../../context";
import { actorOf, type Principal } from "../../auth/principal";
import type { QueryAnswer } from "../../shared/contract";
import type { QueryResult } from "../metrics/registry";
import { BadRequest, HttpError } from "../../shared/errors";
import { columnConverters } from "./values";
import { stringBytesOf } from "./value-bytes";
import { QueryFailed, queryFailure } from "./query-errors";

/** The JSON answer is built in memory, so it has its own bound; the streamed formats have QUERY_MAX_RESULT_MB. */
export const JSON_ANSWER_MAX_BYTES = 64 * 1024 * 1024;

export type QueryRequest = { sql: string; limit: number; ip: string | null };

/** Refusals before any DuckDB work (not audited: nothing was tried). */
export function checkQuery(ctx: AppContext, request: QueryRequest): void {
  ctx.data.audits.check();
  if (request.sql.trim() === "") throw new BadRequest("sql is empty");
  // DuckDB reads the text as a C string: whatever follows a NUL would be audited but never run.
  if (request.sql.includes("\0")) throw new BadRequest("sql contains a NUL character");
  if (request.limit < 0) throw new BadRequest("limit must be 0 or more");
}

export async function runJsonQuery(ctx: AppContext, me: Principal, request: QueryRequest): Promise<QueryAnswer> {
  checkQuery(ctx, request);
  const started = performance.now();
  const outcome = { result: "refused" as QueryResult, rows: 0, bytes: 0 };
  try {
    const answer = await ctx.data.withQuery(me, async (connection) => {
      const prepared = await prepareSelect(connection, request.sql);
      outcome.result = "error";
      const limit = Math.min(request.limit, ctx.config.data.queryMaxRows);
      return readAnswer(prepared, limit, outcome);
    });
    outcome.result = "ok";
    return { ...answer, elapsed_ms: Math.round(performance.now() - started) };
  } catch (error) {
    if (error instanceof QueryFailed) outcome.result = error.result;
    throw error instanceof QueryFailed || error instanceof HttpError ? error : queryFailure(error, ctx.config);
  } finally {
    const ms = performance.now() - started;
    ctx.metrics.query(outcome.result, outcome.result === "refused" ? null : ms / 1000);
    auditQuery(ctx, me, request, { ...outcome, ms: Math.round(ms) });
  }
}

/** Exactly one statement, and DuckDB says it is a SELECT (never a string filter). */
export async function prepareSelect(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  const extracted = await connection.extractStatements(sql);
  if (extracted.count !== 1) throw new BadRequest("Send exactly one SQL statement (a SELECT)");
  const prepared = await extracted.prepare(0);
  if (prepared.statementType !== StatementType.SELECT) {
    prepared.destroySync();
    throw new QueryFailed(403, "Only SELECT queries are allowed", "refused");
  }
  return prepared;
}

async function readAnswer(
  prepared: DuckDBPreparedStatement,
  limit: number,
  outcome: { rows: number; bytes: number },
): Promise<Omit<QueryAnswer, "elapsed_ms">> {
  // Streaming, chunk by chunk: a huge result is never materialised, and each chunk's strings are
  // measured before any value becomes JavaScript (value-bytes.ts).
  const result = await prepared.stream();
  const types = result.columnTypes();
  const convert = columnConverters(types);
  const rows: unknown[][] = [];
  let truncated = false;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    if (rows.length === limit) {
      truncated = true;
      break;
    }
    // Strings by their length, every other value as 8 bytes: a bound, not a JSON byte count.
    outcome.bytes += stringBytesOf(chunk) + chunk.rowCount * chunk.columnCount * 8;
    if (outcome.bytes > JSON_ANSWER_MAX_BYTES) throw tooLargeForJson();
    const take = Math.min(chunk.rowCount, limit - rows.length);
    for (const raw of chunk.convertRows(JsonDuckDBValueConverter).slice(0, take)) rows.push(raw.map((value, i) => convert[i]!(value)));
    if (take < chunk.rowCount) {
      truncated = true;
      break;
    }
  }
  outcome.rows = rows.length;
  return { columns: result.columnNames(), column_types: types.map((t) => t.toString()), rows, truncated, row_count: rows.length };
}

function tooLargeForJson(): QueryFailed {
  const mb = JSON_ANSWER_MAX_BYTES / 1024 / 1024;
  return new QueryFailed(413, `The result is larger than a JSON answer may be (${mb} MB); lower the limit or ask for csv, ndjson or parquet`, "too_large");
}

/** The query's `data.query` entry, written just after the answer (query-audit.ts). */
export function auditQuery(
  ctx: AppContext,
  me: Principal,
  request: QueryRequest,
  outcome: { result: QueryResult; rows: number; bytes: number; ms: number },
): void {
  ctx.data.audits.record({
    actor: actorOf(me),
    action: "data.query",
    params: {
      via: me.via,
      token_id: me.tokenId,
      // Whole (a request body is at most 64 KB): a kept prefix could be padded, with a long comment,
      // so that the entry never showed what the query read.
      sql: request.sql,
      rows: outcome.rows,
      bytes: outcome.bytes,
      ms: outcome.ms,
      result: outcome.result,
    },
    ip: request.ip,
  });
}

const SAMPLE_ROWS = 20;

/** The first rows of a dataset (GET /api/datasets/{name}, the /data page); not audited as a query. */
export function sampleRows(ctx: AppContext, me: Principal, name: string): Promise<{ columns: string[]; rows: unknown[][] }> {
  return ctx.data.withQuery(me, async (connection) => {
    // `name` is a stored dataset's name: [a-z][a-z0-9_]{0,62}.
    const prepared = await prepareSelect(connection, `SELECT * FROM "${name}" LIMIT ${SAMPLE_ROWS}`);
    const answer = await readAnswer(prepared, SAMPLE_ROWS, { rows: 0, bytes: 0 });
    return { columns: answer.columns, rows: answer.rows };
  });
}
