// A byte progress bar on stderr for uploads and downloads, drawn only on a terminal: a CI log or a
// pipe gets no frames (the caller's one-line summary says what happened). Redrawn when the whole
// percentage changes or REDRAW_MS passed (for the rate, or an unknown total): at most about a
// hundred frames for a transfer of any size, so terminal writes cost a fast loopback transfer nothing.
import { sys } from "./system";

export type Progress = {
  /** `bytes` more have gone through. */
  advance(bytes: number): void;
  /** Draws the final state and clears the line (the caller prints the outcome). */
  done(): void;
};

const REDRAW_MS = 100;

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/** `sales [██████░░░░░░░░]  45%  12.3/27.0 MB  31.2 MB/s`, fitted to the terminal's width. */
export function progressLine(label: string, done: number, total: number, bytesPerSecond: number, columns: number): string {
  const rate = bytesPerSecond > 0 ? ` ${megabytes(bytesPerSecond)} MB/s` : "";
  if (total <= 0) return `${label} ${megabytes(done)} MB${rate}`;
  const fraction = Math.min(1, done / total);
  const numbers = ` ${String(Math.floor(fraction * 100)).padStart(3)}% ${megabytes(done)}/${megabytes(total)} MB${rate}`;
  const width = Math.max(10, Math.min(40, columns - label.length - numbers.length - 4));
  const filled = Math.round(fraction * width);
  return `${label} [${"█".repeat(filled)}${"░".repeat(width - filled)}]${numbers}`;
}

/**
 * A bar for `total` bytes (0: unknown, bytes only) starting at `start` (a resumed download); null
 * when stderr is not a terminal or `quiet` (--json): nothing to draw.
 */
export function progressBar(label: string, total: number, opts: { start?: number; quiet?: boolean } = {}): Progress | null {
  const stderr = sys().stderr;
  if (!stderr.isTTY || opts.quiet) return null;
  const started = performance.now();
  const start = opts.start ?? 0;
  let done = start;
  let drawn = 0;
  let percent = -1;
  const percentNow = () => (total > 0 ? Math.floor((done / total) * 100) : -1);
  const draw = () => {
    percent = percentNow();
    const seconds = (performance.now() - started) / 1000;
    const line = progressLine(label, done, total, seconds > 0.05 ? (done - start) / seconds : 0, stderr.columns ?? 80);
    stderr.write(`\r${line}\x1b[K`);
    drawn = performance.now();
  };
  draw();
  return {
    advance(bytes) {
      done += bytes;
      if (percentNow() !== percent || performance.now() - drawn >= REDRAW_MS) draw();
    },
    done() {
      draw();
      stderr.write("\r\x1b[K");
    },
  };
}

/**
 * The bytes of `source` as they are read, counted into `progress`: a request body that shows how
 * much of a file has been sent, read from disk chunk by chunk (never whole in memory).
 */
export function countedStream(source: ReadableStream<Uint8Array>, progress: Progress, onEnd: () => void): ReadableStream<Uint8Array> {
  return source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        progress.advance(chunk.byteLength);
        controller.enqueue(chunk);
      },
      flush() {
        progress.done();
        onEnd();
      },
    }),
  );
}
