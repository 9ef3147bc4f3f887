// Everything `da` takes from the machine it runs on, in one place: the environment, the terminal
// (whether stdin/stdout/stderr are TTYs, the width), the output streams, stdin, `fetch` and the
// prompter. A real run uses the process's; a test runs `main(argv, system)` in process with its own
// (an in-memory stdout, a fake prompter, a `fetch` that calls the server's app directly), so commands
// are tested without a binary. The compiled-binary tests stay as the end-to-end check.
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

export function processSystem(): System {
  return {
    env: process.env,
    stdin: { isTTY: process.stdin.isTTY === true, text: () => Bun.stdin.text() },
    stdout: process.stdout,
    stderr: process.stderr,
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
