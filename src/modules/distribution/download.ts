// The HTTP side of a binary download: conditional requests (ETag = the binary's sha256), byte
// ranges (resumable downloads), and the precompressed .gz copy build.ts writes beside each binary.
// Bodies are Bun.file()s (or slices of one), which Bun streams from disk: a 100 MB binary is never
// read into memory per request.
import { HttpError } from "../../http/errors";
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

/** Whether Accept-Encoding allows gzip (q > 0, by name or through `*`). */
export function acceptsGzip(header: string | null): boolean {
  if (!header) return false;
  let star: boolean | null = null;
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    const allowed = q === undefined || Number(q) > 0;
    if (name.trim() === "gzip" || name.trim() === "x-gzip") return allowed;
    if (name.trim() === "*") star = allowed;
  }
  return star === true;
}

function etagMatches(ifNoneMatch: string | null, sha256: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((tag) => {
    const opaque = tag.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
    return opaque === sha256 || opaque === `${sha256}-gzip`;
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
    return new Response(null, { status: 304, headers: { etag, "x-checksum-sha256": entry.sha256, vary: "Accept-Encoding" } });
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

  if (acceptsGzip(request.headers.get("accept-encoding"))) {
    const gz = Bun.file(`${path}.gz`);
    // A .gz older than its binary is left over from an earlier build: never serve it.
    if ((await gz.exists()) && gz.lastModified >= file.lastModified) {
      return new Response(gz, {
        status: 200,
        headers: { ...headers, "content-encoding": "gzip", etag: `"${entry.sha256}-gzip"`, "content-length": String(gz.size) },
      });
    }
  }
  return new Response(file, { status: 200, headers: { ...headers, "content-length": String(size) } });
}
