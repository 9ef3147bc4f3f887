// POST /api/query as a stream (Accept: text/csv or application/x-ndjson, or ?format=csv|ndjson):
// every row, no row cap, at most QUERY_MAX_RESULT_MB. The body is a pull stream: the next DuckDB
// chunk is fetched only when the client has taken the previous one, so server memory stays at about
// one chunk whatever the result's size. The query's slot and connection are held until the last
// chunk (or the client goes away, which interrupts the query). Past QUERY_MAX_RESULT_MB or the
// timeout the stream is cut (an incomplete body, never a well-formed short one) and the audit
// entry says why.
import { JsonDuckDBValueConverter, type DuckDBDataChunk, type DuckDBResult } from "@duckdb/node-api";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import type { QueryResult } from "../metrics/registry";
import { HttpError } from "../../shared/errors";
import { csvField } from "../../shared/csv";
import { QueryFailed, queryFailure, queryTimedOut } from "./query-errors";
import { auditQuery, checkQuery, prepareSelect, type QueryRequest } from "./query-service";
import { revokedFailure, type QueryLease } from "./service";
import { columnConverters } from "./values";
import { stringBytesOf } from "./value-bytes";

export type StreamFormat = "csv" | "ndjson";
export const STREAM_TYPES: Record<StreamFormat, string> = { csv: "text/csv; charset=utf-8", ndjson: "application/x-ndjson" };

/** ?format= first, then an Accept naming one of the streamed types; else the JSON answer. */
export function requestedFormat(format: string | undefined, accept: string | null): StreamFormat | "json" | "parquet" {
  if (format === "csv" || format === "ndjson" || format === "parquet" || format === "json") return format;
  const types = (accept ?? "").split(",").map((part) => part.split(";")[0]!.trim().toLowerCase());
  if (types.includes("text/csv")) return "csv";
  if (types.includes("application/x-ndjson")) return "ndjson";
  if (types.includes("application/vnd.apache.parquet")) return "parquet";
  return "json";
}

type Outcome = { result: QueryResult; rows: number; bytes: number };

export async function runStreamedQuery(ctx: AppContext, me: Principal, request: QueryRequest, format: StreamFormat): Promise<Response> {
  checkQuery(ctx, request);
  const started = performance.now();
  const outcome: Outcome = { result: "refused", rows: 0, bytes: 0 };
  const lease = await ctx.data.open(me);
  const finish = (result: QueryResult) => {
    lease.end();
    outcome.result = result;
    const ms = performance.now() - started;
    ctx.metrics.query(result, result === "refused" ? null : ms / 1000);
    auditQuery(ctx, me, request, { ...outcome, ms: Math.round(ms) });
  };
  let result: DuckDBResult;
  try {
    result = await (await prepareSelect(lease.connection, request.sql)).stream();
  } catch (error) {
    const failure = refusal(ctx, lease, error);
    finish(failure instanceof QueryFailed ? failure.result : "refused");
    throw failure;
  }
  const body = rowStream(ctx, result, format, lease, outcome, finish);
  return new Response(body, { headers: { "content-type": STREAM_TYPES[format], "cache-control": "no-store" } });
}

function refusal(ctx: AppContext, lease: QueryLease, error: unknown): HttpError {
  if (lease.stopped() === "revoked") return revokedFailure();
  return error instanceof HttpError ? error : queryFailure(error, ctx.config);
}

const tooLarge = () => new QueryFailed(413, "The result is larger than QUERY_MAX_RESULT_MB", "too_large");

function lineWriter(format: StreamFormat, columns: string[]): (row: unknown[]) => string {
  return format === "csv"
    ? (row) => `${row.map(csvField).join(",")}\r\n`
    : (row) => `${JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, row[i]])))}\n`;
}

/** Turns DuckDB chunks into the format's lines, counting rows and bytes against QUERY_MAX_RESULT_MB. */
function chunkEncoder(ctx: AppContext, result: DuckDBResult, format: StreamFormat, outcome: Outcome) {
  const encoder = new TextEncoder();
  const columns = result.columnNames();
  const convert = columnConverters(result.columnTypes());
  const max = ctx.config.data.queryMaxResultBytes;
  const line = lineWriter(format, columns);
  const header = format === "csv" ? encoder.encode(line(columns)) : null;
  const encode = (chunk: DuckDBDataChunk): Uint8Array => {
    if (outcome.bytes + stringBytesOf(chunk) > max) throw tooLarge();
    let text = "";
    for (const raw of chunk.convertRows(JsonDuckDBValueConverter)) text += line(raw.map((value, i) => convert[i]!(value)));
    const bytes = encoder.encode(text);
    outcome.bytes += bytes.byteLength;
    outcome.rows += chunk.rowCount;
    if (outcome.bytes > max) throw tooLarge();
    return bytes;
  };
  return { header, encode };
}

function rowStream(ctx: AppContext, result: DuckDBResult, format: StreamFormat, lease: QueryLease, outcome: Outcome, finish: (r: QueryResult) => void) {
  const { header, encode: encodeChunk } = chunkEncoder(ctx, result, format, outcome);
  let done = false;
  let pulling = false;
  // A client that stopped reading leaves no chunk being fetched for the interrupt to end: the
  // answer is cut here, or it would hold its slot (and its audit entry) for as long as it likes.
  const cut = (controller: ReadableStreamDefaultController<Uint8Array>, why: "timeout" | "revoked") => {
    done = true;
    const failure = why === "revoked" ? revokedFailure() : queryTimedOut(ctx.config.data.queryTimeoutSeconds);
    finish(failure.result);
    controller.error(failure);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (header) controller.enqueue(header);
        lease.onStop((why) => !done && !pulling && cut(controller, why)); // a fetch under way ends in its finally
      },
      async pull(controller) {
        if (done) return;
        pulling = true;
        try {
          const chunk = await result.fetchChunk();
          if (!chunk || chunk.rowCount === 0) {
            done = true;
            controller.close();
            return finish("ok");
          }
          controller.enqueue(encodeChunk(chunk));
        } catch (error) {
          done = true;
          const failure = refusal(ctx, lease, error);
          finish(failure instanceof QueryFailed ? failure.result : "error");
          controller.error(failure);
        } finally {
          pulling = false;
          const why = lease.stopped();
          if (why && !done) cut(controller, why);
        }
      },
      cancel() {
        if (done) return;
        done = true;
        lease.interrupt(); // the client went away: stop DuckDB too
        finish("error");
      },
    },
    { highWaterMark: 0 },
  );
}
