// A raw HTTP/1.1 client over one TCP connection per request (`node:net`), for the bytes `fetch`
// refuses to send: any Host header, duplicate headers, a Content-Length that lies, invalid UTF-8,
// an unnormalised request target. Loopback only; every request is bounded in time.
import { connect } from "node:net";

export type RawRequest = {
  method: string;
  /** The request target exactly as written on the request line (no normalisation). */
  target: string;
  /** Header lines in order; duplicates allowed. `Host` is sent only if listed here. */
  headers: [string, string][];
  /** A correct Content-Length is added for a body unless the headers already frame it (or this is false). */
  autoLength?: boolean;
  body?: Uint8Array | string;
};

export type RawResponse = {
  /** 0 when the server closed the connection (or timed out) without a parsable status line. */
  status: number;
  headers: Record<string, string>;
  setCookies: string[];
  body: string;
  /** The request ended without any answer within the time limit. */
  timedOut: boolean;
};

const enc = new TextEncoder();
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export function serialise(req: RawRequest): Uint8Array {
  const body = typeof req.body === "string" ? enc.encode(req.body) : (req.body ?? new Uint8Array());
  const framed = req.headers.some(([k]) => /^(content-length|transfer-encoding)$/i.test(k.trim()));
  const headers =
    framed || req.autoLength === false || (body.length === 0 && req.body === undefined)
      ? req.headers
      : [...req.headers, ["Content-Length", String(body.length)] as [string, string]];
  const head = `${req.method} ${req.target} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}`).join("\r\n")}${headers.length ? "\r\n" : ""}\r\n`;
  // Header values may hold any code point; write them as UTF-8 like a real client would.
  const headBytes = Buffer.from(head, "utf8");
  const out = new Uint8Array(headBytes.length + body.length);
  out.set(headBytes, 0);
  out.set(body, headBytes.length);
  return out;
}

/** Sends one request on a fresh connection and reads until the server closes or the limit passes. */
export function rawRequest(port: number, req: RawRequest, timeoutMs = 30_000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const socket = connect({ host: "127.0.0.1", port });
    const finish = (timedOut: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(nudge);
      socket.destroy();
      resolve({ ...parseResponse(Buffer.concat(chunks)), timedOut: timedOut && chunks.length === 0 });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    // Half-close only when nothing came back for a while: a body shorter than its Content-Length then
    // ends instead of waiting forever. (Half-closing at once makes Bun drop some requests unanswered.)
    const nudge = setTimeout(() => chunks.length === 0 && !done && socket.end(), Math.min(1_000, timeoutMs / 2));
    socket.on("connect", () => void socket.write(serialise(req)));
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES || responseComplete(Buffer.concat(chunks))) finish(false);
    });
    socket.on("end", () => finish(false));
    socket.on("close", () => finish(false));
    socket.on("error", () => finish(false));
  });
}

function splitHead(raw: Buffer): { head: string; body: Buffer } | null {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) return null;
  return { head: raw.subarray(0, end).toString("latin1"), body: raw.subarray(end + 4) };
}

function headerMap(head: string): { status: number; headers: Record<string, string>; setCookies: string[] } {
  const [statusLine, ...lines] = head.split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "")?.[1] ?? 0);
  const headers: Record<string, string> = {};
  const setCookies: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "set-cookie") setCookies.push(value);
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  return { status, headers, setCookies };
}

/** True once a full response (by Content-Length or a final chunk) is in the buffer. */
function responseComplete(raw: Buffer): boolean {
  const parts = splitHead(raw);
  if (!parts) return false;
  const { status, headers } = headerMap(parts.head);
  if (status === 204 || status === 304) return true;
  if (headers["content-length"] !== undefined) return parts.body.length >= Number(headers["content-length"]);
  if (/chunked/i.test(headers["transfer-encoding"] ?? "")) return parts.body.includes("\r\n0\r\n\r\n") || parts.body.subarray(0, 5).toString() === "0\r\n\r\n";
  return false;
}

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(at, lineEnd).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

export function parseResponse(raw: Buffer): Omit<RawResponse, "timedOut"> {
  const parts = splitHead(raw);
  if (!parts) return { status: 0, headers: {}, setCookies: [], body: raw.toString("utf8") };
  const { status, headers, setCookies } = headerMap(parts.head);
  const body = /chunked/i.test(headers["transfer-encoding"] ?? "") ? dechunk(parts.body) : parts.body;
  return { status, headers, setCookies, body: body.toString("utf8") };
}

/** A GET through a raw socket with a normal Host: the "is it still serving?" probe. */
export async function rawHealth(port: number, timeoutMs = 10_000): Promise<number> {
  const res = await rawRequest(
    port,
    {
      method: "GET",
      target: "/health",
      headers: [
        ["Host", `127.0.0.1:${port}`],
        ["Connection", "close"],
      ],
    },
    timeoutMs,
  );
  return res.status;
}
