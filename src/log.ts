// Structured log lines (one JSON object per line). Never pass a secret in fields.
//
// The server's logger buffers lines and writes them in one call every FLUSH_MS (and synchronously
// when the process exits): a write per request line cost a large share of a cheap request.
import { writeSync } from "node:fs";

export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type Logger = {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** The per-request line, `info` "request" with these fields, built without a fields object. */
  request(method: string, path: string, status: number, ms: number): void;
};

const FLUSH_MS = 50;
const QUOTED_METHODS = new Map(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].map((m) => [m, `"${m}"`]));
const MAX_BUFFERED_CHARS = 64 * 1024;

export function createLogger(write: (line: string) => void = bufferedStdout()): Logger {
  const stamp = timestamps();
  // The same line as JSON.stringify({ time, level, event, ...fields }), without building that object.
  const emit = (level: string) => (event: string, fields?: LogFields) => {
    const rest = fields === undefined ? "{}" : JSON.stringify(fields);
    write(`{"time":"${stamp()}","level":"${level}","event":${JSON.stringify(event)}${rest.length > 2 ? `,${rest.slice(1)}` : "}"}`);
  };
  const request = (method: string, path: string, status: number, ms: number) =>
    write(
      `{"time":"${stamp()}","level":"info","event":"request","method":${QUOTED_METHODS.get(method) ?? JSON.stringify(method)},"path":${JSON.stringify(path)},"status":${status},"ms":${ms}}`,
    );
  return { info: emit("info"), warn: emit("warn"), error: emit("error"), request };
}

/** ISO-8601 time of now, formatted once per millisecond: a busy server logs many lines in each. */
function timestamps(): () => string {
  let lastMs = -1;
  let lastIso = "";
  return () => {
    const ms = Date.now();
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = new Date(ms).toISOString();
    }
    return lastIso;
  };
}

function bufferedStdout(): (line: string) => void {
  let pending = "";
  let timer: ReturnType<typeof setTimeout> | null = null;
  const take = () => {
    const chunk = pending;
    pending = "";
    return chunk;
  };
  const flush = () => {
    // A flush because the buffer filled up also stands for the timer that was waiting.
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending) process.stdout.write(take());
  };
  process.on("exit", () => {
    if (!pending) return;
    try {
      writeSync(1, take());
    } catch {
      // stdout is closed or full at exit: there is nowhere left to log to.
    }
  });
  return (line) => {
    pending += `${line}\n`;
    if (pending.length >= MAX_BUFFERED_CHARS) flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
  };
}

/** A logger that keeps its lines, for tests that check what was (not) logged. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(
    createLogger((line) => lines.push(line)),
    { lines },
  );
}
