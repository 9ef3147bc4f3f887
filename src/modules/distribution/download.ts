// The HTTP side of a binary download: conditional requests (ETag = the binary's sha256), byte
// ranges (resumable downloads), and the precompressed .zst/.gz copies build.ts writes beside each
// binary (zstd first when the client takes it: ~38 % of the raw size, gzip ~48 %).
// Bodies are Bun.file()s (or slices of one), which Bun streams from disk: a 100 MB binary is never
// read into memory per request.
import { HttpError } from "../../shared/errors";
import type { BuiltTarget } from "./service";

type Parsed = { start: number; end: number } | "unsatisfiable" | null;

/** A single `bytes=` range (first-last, first-, -suffix); null = ignore the header and send it all. */
export function parseRange(header: string | null, size: number): Parsed {
  if (!header) return null;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return null; // multiple ranges or another unit: RFC 9110 lets us answer 200 with everything
  const [, first, last] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || (last !== "" && Number(last) < start)) return "unsatisfiable";
  return { start, end };
}

/** Whether Accept-Encoding allows one of `names` (q > 0, by name or through `*`). */
function accepts(header: string | null, names: string[]): boolean {
  if (!header) return false;
  let star: boolean | null = null;
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    const allowed = q === undefined || Number(q) > 0;
    if (names.includes(name.trim())) return allowed;
    if (name.trim() === "*") star = allowed;
  }
  return star === true;
}

export const acceptsGzip = (header: string | null): boolean => accepts(header, ["gzip", "x-gzip"]);
/** zstd only by name: a `*` from an old client must not get an encoding it may not know. */
export const acceptsZstd = (header: string | null): boolean => accepts(header?.replace(/(^|,)\s*\*[^,]*/g, "") ?? null, ["zstd"]);

/** The precompressed copies, best first: file suffix and Content-Encoding. */
const ENCODINGS = [
  { suffix: ".zst", encoding: "zstd", accepted: acceptsZstd },
  { suffix: ".gz", encoding: "gzip", accepted: acceptsGzip },
] as const;

function etagMatches(ifNoneMatch: string | null, sha256: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((tag) => {
    const opaque = tag.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
    return opaque === sha256 || opaque === `${sha256}-gzip` || opaque === `${sha256}-zstd`;
  });
}

/** The response for one built binary at `path`, honouring If-None-Match, Range and Accept-Encoding. */
export async function downloadResponse(request: Request, entry: BuiltTarget, path: string): Promise<Response> {
  const file = Bun.file(path);
  const size = file.size;
  const etag = `"${entry.sha256}"`;
  const headers: Record<string, string> = {
    "content-type": "application/octet-stream",
    "content-disposition": `attachment; filename="${entry.filename}"`,
    "x-checksum-sha256": entry.sha256,
    "accept-ranges": "bytes",
    "cache-control": "no-cache",
    vary: "Accept-Encoding",
    etag,
  };
  if (etagMatches(request.headers.get("if-none-match"), entry.sha256)) {
    // A 304 carries the caching headers the 200 would have (RFC 9110 §15.4.5), not the global no-store.
    return new Response(null, { status: 304, headers: { etag, "x-checksum-sha256": entry.sha256, vary: "Accept-Encoding", "cache-control": "no-cache" } });
  }

  const ifRange = request.headers.get("if-range");
  const rangeHeader = ifRange && ifRange.trim() !== etag ? null : request.headers.get("range");
  const range = parseRange(rangeHeader, size);
  if (range === "unsatisfiable") {
    throw new HttpError(416, `Range not satisfiable; ${entry.filename} has ${size} bytes`, { "content-range": `bytes */${size}` });
  }
  if (range) {
    return new Response(file.slice(range.start, range.end + 1), {
      status: 206,
      headers: { ...headers, "content-range": `bytes ${range.start}-${range.end}/${size}`, "content-length": String(range.end - range.start + 1) },
    });
  }

  const acceptEncoding = request.headers.get("accept-encoding");
  for (const { suffix, encoding, accepted } of ENCODINGS) {
    if (!accepted(acceptEncoding)) continue;
    const copy = Bun.file(`${path}${suffix}`);
    // A copy older than its binary is left over from an earlier build: never serve it.
    if ((await copy.exists()) && copy.lastModified >= file.lastModified) {
      return new Response(copy, {
        status: 200,
        headers: { ...headers, "content-encoding": encoding, etag: `"${entry.sha256}-${encoding}"`, "content-length": String(copy.size) },
      });
    }
  }
  return new Response(file, { status: 200, headers: { ...headers, "content-length": String(size) } });
}
