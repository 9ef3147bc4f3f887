// POST /api/query as Parquet (Accept: application/vnd.apache.parquet or ?format=parquet). The
// sandbox cannot write files (that is the point of it), so its result chunks are appended, as
// DuckDB chunks, into a table of a second, private DuckDB instance that runs only our SQL, which
// writes the Parquet file under DATASETS_DIR/.tmp; the file is then streamed and already unlinked.
// The whole result is counted against QUERY_MAX_RESULT_MB before anything is sent, so a result too
// large is a clean 413 here (the CSV/NDJSON streams can only be cut).
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { once } from "node:events";
import { join } from "node:path";
import { Readable } from "node:stream";
import { DuckDBInstance, type DuckDBConnection, type DuckDBResult } from "@duckdb/node-api";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { HttpError } from "../../shared/errors";
import type { QueryResult } from "../metrics/registry";
import { QueryFailed, queryFailure } from "./query-errors";
import { auditQuery, checkQuery, prepareSelect, type QueryRequest } from "./query-service";
import { revokedFailure } from "./service";
import { stringBytesOf } from "./value-bytes";

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function runParquetQuery(ctx: AppContext, me: Principal, request: QueryRequest): Promise<Response> {
  checkQuery(ctx, request);
  const started = performance.now();
  const outcome = { result: "refused" as QueryResult, rows: 0, bytes: 0 };
  const lease = await ctx.data.open(me);
  const tmp = join(ctx.config.data.datasetsDir, ".tmp");
  const file = join(tmp, `${randomBytes(12).toString("hex")}.parquet`);
  try {
    const result = await (await prepareSelect(lease.connection, request.sql)).stream();
    outcome.result = "error";
    await mkdir(tmp, { recursive: true, mode: 0o700 });
    await writeParquet(ctx, result, file, outcome);
    outcome.result = "ok";
  } catch (error) {
    await rm(file, { force: true });
    const failure = lease.stopped() === "revoked" ? revokedFailure() : error instanceof HttpError ? error : queryFailure(error, ctx.config);
    if (failure instanceof QueryFailed) outcome.result = failure.result;
    throw failure;
  } finally {
    lease.end();
    const ms = performance.now() - started;
    ctx.metrics.query(outcome.result, outcome.result === "refused" ? null : ms / 1000);
    auditQuery(ctx, me, request, { ...outcome, ms: Math.round(ms) });
  }
  const { size } = await stat(file);
  const stream = createReadStream(file);
  await once(stream, "open");
  await rm(file, { force: true }); // the open stream keeps it readable; nothing is left behind
  return new Response(Readable.toWeb(stream) as unknown as ReadableStream, {
    headers: { "content-type": "application/vnd.apache.parquet", "content-length": String(size), "cache-control": "no-store" },
  });
}

async function writeParquet(ctx: AppContext, result: DuckDBResult, file: string, outcome: { rows: number; bytes: number }): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  let connection: DuckDBConnection | null = null;
  try {
    connection = await instance.connect();
    await connection.run(`SET memory_limit = '${ctx.config.data.queryMemoryMb}MB'`);
    await connection.run(`SET temp_directory = '${join(ctx.config.data.datasetsDir, ".tmp").replaceAll("'", "''")}'`);
    const names = result.columnNames();
    const types = result.columnTypes();
    await connection.run(`CREATE TABLE result (${names.map((n, i) => `${quote(n)} ${types[i]!.toString()}`).join(", ")})`);
    const appender = await connection.createAppender("result");
    const max = ctx.config.data.queryMaxResultBytes;
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      outcome.bytes += stringBytesOf(chunk) + chunk.rowCount * chunk.columnCount * 8;
      if (outcome.bytes > max) throw new QueryFailed(413, "The result is larger than QUERY_MAX_RESULT_MB", "too_large");
      appender.appendDataChunk(chunk);
      outcome.rows += chunk.rowCount;
    }
    appender.closeSync();
    await connection.run(`COPY result TO '${file.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`);
  } finally {
    connection?.closeSync();
    instance.closeSync();
  }
}
