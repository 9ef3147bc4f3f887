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
};

const FLUSH_MS = 50;
const MAX_BUFFERED = 1_000;

export function createLogger(write: (line: string) => void = bufferedStdout()): Logger {
  const emit = (level: string) => (event: string, fields: LogFields = {}) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }));
  return { info: emit("info"), warn: emit("warn"), error: emit("error") };
}

function bufferedStdout(): (line: string) => void {
  let lines: string[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const take = () => {
    const chunk = lines.join("\n") + "\n";
    lines = [];
    return chunk;
  };
  const flush = () => {
    timer = null;
    if (lines.length) process.stdout.write(take());
  };
  process.on("exit", () => {
    if (lines.length === 0) return;
    try {
      writeSync(1, take());
    } catch {
      // stdout is closed or full at exit: there is nowhere left to log to.
    }
  });
  return (line) => {
    lines.push(line);
    if (lines.length >= MAX_BUFFERED) flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
  };
}

/** A logger that keeps its lines, for tests that check what was (not) logged. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger((line) => lines.push(line)), { lines });
}
