// What `da sync` reads: the manifest of the datasets the caller may read, and each dataset's Parquet
// file, streamed from disk by Bun (never read into memory), with ETag = the file's SHA-256 (the
// manifest's `hash`), If-None-Match, and single byte ranges (If-Range) so an interrupted download
// resumes where it stopped.
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import type { SyncManifest } from "../../shared/contract";
import { HttpError } from "../../shared/errors";
import { parseRange } from "../distribution/download";
import { datasetInfo, readableDataset } from "./catalog";
import { parquetFile } from "./files";

export function syncManifest(ctx: AppContext, me: Principal): SyncManifest {
  const tables: SyncManifest["tables"] = {};
  for (const row of ctx.data.readable(me)) {
    const info = datasetInfo(ctx, row);
    tables[row.name] = { hash: info.hash, rows: info.rows, size_bytes: info.size_bytes, updated_at: info.updated_at, columns: info.columns };
  }
  return { tables };
}

export function downloadDataset(ctx: AppContext, me: Principal, name: string, request: Request): Response {
  const row = readableDataset(ctx, me, name);
  const file = Bun.file(parquetFile(ctx.config.data.datasetsDir, row.file_id));
  const size = row.size_bytes;
  const etag = `"${row.hash}"`;
  const headers: Record<string, string> = {
    "content-type": "application/vnd.apache.parquet",
    "content-disposition": `attachment; filename="${row.name}.parquet"`,
    "accept-ranges": "bytes",
    "cache-control": "no-cache",
    etag,
  };
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) {
    return new Response(null, { status: 304, headers: { etag, "cache-control": "no-cache" } });
  }
  const ifRange = request.headers.get("if-range");
  const range = parseRange(ifRange && ifRange.trim() !== etag ? null : request.headers.get("range"), size);
  if (range === "unsatisfiable") {
    throw new HttpError(416, `Range not satisfiable; ${row.name} has ${size} bytes`, { "content-range": `bytes */${size}` });
  }
  if (range) {
    return new Response(file.slice(range.start, range.end + 1), {
      status: 206,
      headers: { ...headers, "content-range": `bytes ${range.start}-${range.end}/${size}`, "content-length": String(range.end - range.start + 1) },
    });
  }
  return new Response(file, { status: 200, headers: { ...headers, "content-length": String(size) } });
}
