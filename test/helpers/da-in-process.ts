// `da` run in process: main(argv, system) with a system a test builds — in-memory stdout and stderr
// (a terminal or not, as the test says), a fake prompter, and a `fetch` that hands each request to
// the in-process app. Used by test/unit/cli-*.test.ts; the compiled `da` is covered by test/cli/*.
import { main } from "../../cli/main";
import type { Prompter, System } from "../../cli/system";
import type { TestApp } from "./app";

export type InProcessRun = { code: number; stdout: string; stderr: string; asked: string[] };
export type InProcessOptions = {
  token?: string;
  /** Prompt answers in order; giving any makes stdin a terminal. */
  answers?: (string | boolean)[];
  stdin?: string;
  /** stderr is a terminal of this many columns (progress bars, spinners). */
  ttyColumns?: number;
  /** stdout is a terminal (tables, what a person reads) rather than a pipe. */
  stdoutTty?: boolean;
  env?: Record<string, string>;
};

export async function runInProcess(t: TestApp, configDir: string, argv: string[], opts: InProcessOptions = {}): Promise<InProcessRun> {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  const answers = [...(opts.answers ?? [])];
  const answer = (message: string) => (asked.push(message), answers.shift());
  const prompter: Prompter = {
    text: async (message) => String(answer(message) ?? ""),
    password: async (message) => String(answer(message) ?? ""),
    select: async (message, _options, initial) => (answer(message) as typeof initial) ?? initial,
    multiselect: async (message, _options, initial) =>
      (answer(message) as unknown as typeof initial) ?? (asked.push(`preselected ${initial.join(",")}`), initial),
    confirm: async (message) => answer(message) === true,
  };
  const tty = opts.ttyColumns !== undefined;
  const system: System = {
    env: { DA_SERVER: "http://localhost", DA_CONFIG_DIR: configDir, NO_COLOR: "1", ...(opts.token ? { DA_TOKEN: opts.token } : {}), ...opts.env },
    stdin: { isTTY: opts.answers !== undefined, text: async () => opts.stdin ?? "" },
    stdout: { isTTY: opts.stdoutTty === true, columns: opts.stdoutTty ? 200 : undefined, write: (text: string) => out.push(text) },
    stderr: { isTTY: tty, columns: opts.ttyColumns, write: (text: string) => err.push(text) },
    fetch: (input, init) => t.app.handle(new Request(input, init)),
    prompter: opts.answers !== undefined ? prompter : null,
  };
  const code = await main(argv, system);
  return { code, stdout: out.join(""), stderr: err.join(""), asked };
}
