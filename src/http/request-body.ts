// The one body parser. Every body is read with a size cap chosen by route, checked to be UTF-8, and
// (for JSON) scanned for nesting depth BEFORE JSON.parse and schema validation: a few hundred KB of
// `[[[[…]]]]` once took seconds of CPU in validation-error formatting, stalling every other request.
// Bun's own maxRequestBodySize (server.ts) is the outer bound; these are the per-route ones.
import { BadRequest, HttpError } from "../shared/errors";
import { requestUrl } from "./request-url";
import { readFormHead } from "./streamed-form";

export const SMALL_BODY_BYTES = 8 * 1024;
export const DEFAULT_BODY_BYTES = 64 * 1024;
export const MAX_JSON_DEPTH = 32;

// Public forms and sign-in calls: a few KB is plenty for an email, a password and a token.
const SMALL_BODY_ROUTES = [/^\/login$/, /^\/logout$/, /^\/setup$/, /^\/auth\//, /^\/device$/, /^\/cli\/authorize$/];

export class PayloadTooLarge extends HttpError {
  constructor(limit: number) {
    super(413, `The request body is larger than this route accepts (${Math.round(limit / 1024)} KB)`);
  }
}
export class UnsupportedMediaType extends HttpError {
  constructor() {
    super(415, "Unsupported Content-Type: send application/json or a form (application/x-www-form-urlencoded)");
  }
}

// Dataset uploads (CSV or Parquet, up to DATASET_MAX_MB): the parser leaves the body unread and the
// handler streams it to disk itself (src/modules/data/upload.ts), never holding it in memory. Only
// these routes and these types: a JSON or form body to them is parsed (and capped) as everywhere.
const STREAMED_UPLOAD_ROUTES = [/^\/api\/datasets(?:\/[^/]+)?$/];
const STREAMED_UPLOAD_TYPES = new Set(["text/csv", "application/vnd.apache.parquet", "application/octet-stream"]);
/** What `body` is on a streamed upload route: the handler reads `request.body`. */
export const STREAMED_BODY = Object.freeze({ streamed: true as const });

/** Forms with a file (the dataset upload page): fields first, the file as a stream (streamed-form.ts). */
const STREAMED_FORM_ROUTES = [/^\/admin\/datasets\/upload$/];

export function isStreamedUpload(path: string, contentType: string): boolean {
  return STREAMED_UPLOAD_TYPES.has(contentType.toLowerCase()) && STREAMED_UPLOAD_ROUTES.some((route) => route.test(path));
}

export function bodyLimitFor(path: string): number {
  return SMALL_BODY_ROUTES.some((route) => route.test(path)) ? SMALL_BODY_BYTES : DEFAULT_BODY_BYTES;
}

/** For Elysia's onParse: the parsed body, or a 400/413/415. */
export async function parseBody(request: Request, contentType: string): Promise<unknown> {
  if (!request.body) return undefined;
  const path = requestUrl(request).pathname;
  if (isStreamedUpload(path, contentType)) return STREAMED_BODY;
  if (contentType.toLowerCase() === "multipart/form-data" && STREAMED_FORM_ROUTES.some((route) => route.test(path))) {
    return readFormHead(request, request.headers.get("content-type") ?? "");
  }
  const limit = bodyLimitFor(path);
  const text = decodeUtf8(await readCapped(request, limit));
  const type = contentType.toLowerCase();
  if (type === "application/json" || type.endsWith("+json")) return parseJson(text);
  if (type === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(text));
  if (type === "multipart/form-data") return parseMultipart(text, request.headers.get("content-type") ?? "");
  if (type.startsWith("text/")) return text;
  if (type === "" && text.trim() === "") return undefined;
  throw new UnsupportedMediaType();
}

async function readCapped(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw new PayloadTooLarge(limit);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body!.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    total += read.value.byteLength;
    if (total > limit) {
      void reader.cancel().catch(() => undefined);
      throw new PayloadTooLarge(limit);
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks);
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new BadRequest("The request body is not valid UTF-8");
  }
}

function parseJson(text: string): unknown {
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw new BadRequest(`The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest("The request body is not valid JSON");
  }
}

/** The deepest nesting of arrays and objects, in one pass, ignoring brackets inside strings. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) deepest = Math.max(deepest, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return deepest;
}

async function parseMultipart(text: string, contentType: string): Promise<Record<string, string>> {
  let form: FormData;
  try {
    form = await new Response(text, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new BadRequest("The multipart body could not be parsed");
  }
  const fields: [string, string][] = [];
  form.forEach((value, key) => {
    if (typeof value === "string") fields.push([key, value]);
  });
  return Object.fromEntries(fields);
}
