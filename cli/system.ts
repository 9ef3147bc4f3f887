// Everything `da` takes from the machine it runs on, in one place: the environment, the terminal
// (whether stdin/stdout/stderr are TTYs, the width), the output streams, stdin, `fetch` and the
// prompter. A real run uses the process's; a test runs `main(argv, system)` in process with its own
// (an in-memory stdout, a fake prompter, a `fetch` that calls the server's app directly), so commands
// are tested without a binary. The compiled-binary tests stay as the end-to-end check.
import { writeSync } from "node:fs";

// node:tty loads Node's stream machinery (~10 ms in a compiled binary): only when a TTY question is asked.
const isatty = (fd: number): boolean => (require("node:tty") as typeof import("node:tty")).isatty(fd);

export type Stream = { isTTY?: boolean; columns?: number; write(chunk: string | Uint8Array): unknown };

export type Prompter = {
  text(message: string, opts: { initialValue?: string; validate?: (value: string | undefined) => string | undefined }): Promise<string>;
  password(message: string, validate?: (value: string | undefined) => string | undefined): Promise<string>;
  select<T extends string>(message: string, options: { value: T; label: string; hint?: string }[], initialValue: T): Promise<T>;
  confirm(message: string): Promise<boolean>;
  /** Absent in a fake: the preselected values are taken. */
  multiselect?<T extends string>(message: string, options: { value: T; label: string; hint?: string }[], initialValues: T[]): Promise<T[]>;
};

export type System = {
  env: Record<string, string | undefined>;
  stdin: { isTTY: boolean; text(): Promise<string> };
  stdout: Stream;
  stderr: Stream;
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** null: the real prompts (@clack/prompts, on stderr). */
  prompter: Prompter | null;
};

/** Write it all, now: a pipe left non-blocking by the parent says EAGAIN until the reader catches up. */
function writeAll(fd: number, chunk: string | Uint8Array, closed: { done: boolean }): void {
  let data = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
  while (data.length > 0 && !closed.done) {
    try {
      data = data.subarray(writeSync(fd, data));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "EPIPE")
        closed.done = true; // `da … | head`: the reader is gone, nothing more to say
      else if (code === "EAGAIN") Bun.sleepSync(1);
      else throw error;
    }
  }
}

/**
 * fd 1 or 2, written synchronously with fs.writeSync. In a compiled Bun binary the first touch of
 * process.stdout/stdin builds Node's stream objects, which costs more than the whole rest of
 * `da --version` (bench/cli-startup.ts); only the terminal width still asks process.stdout.
 */
function fdStream(fd: 1 | 2): Stream {
  const closed = { done: false };
  return {
    get isTTY() {
      return isatty(fd);
    },
    get columns() {
      return (fd === 1 ? process.stdout : process.stderr).columns;
    },
    write: (chunk) => writeAll(fd, chunk, closed),
  };
}

export function processSystem(): System {
  return {
    env: process.env,
    stdin: {
      get isTTY() {
        return isatty(0);
      },
      text: () => Bun.stdin.text(),
    },
    stdout: fdStream(1),
    stderr: fdStream(2),
    fetch: (input, init) => fetch(input, init),
    prompter: null,
  };
}

// One `da` run is one process running one command, so the system in use is a single current value;
// `withSystem` swaps it for the length of a run (in-process tests run one command at a time).
let current: System | null = null;

export function sys(): System {
  current ??= processSystem();
  return current;
}

export async function withSystem<T>(system: System, run: () => Promise<T>): Promise<T> {
  const previous = current;
  current = system;
  try {
    return await run();
  } finally {
    current = previous;
  }
}
