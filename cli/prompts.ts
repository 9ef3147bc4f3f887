// Interactive input. Prompts run only when stdin is a TTY; they draw on stderr so that stdout
// (a `--raw` token, `--json`) stays clean when captured by `$(…)`.
import { PromptCancelled, UsageError } from "./errors";
import { sys } from "./system";

// Loaded on first use (a separate chunk of the binary): `da --version` and scripted runs never pay
// for the prompt library and the terminal modules it pulls in.
const loadClack = () => import("@clack/prompts");

export function isInteractive(): boolean {
  return sys().stdin.isTTY;
}

/** Without a TTY a missing value is a usage error naming the flag that provides it. */
export function requireInteractive(missing: string, provideWith: string): void {
  if (!isInteractive()) throw new UsageError(`missing ${missing}`, `pass ${provideWith} (no terminal to ask on)`);
}

async function answered<T>(pending: Promise<T>): Promise<Exclude<T, symbol>> {
  const value = await pending;
  if ((await loadClack()).isCancel(value)) throw new PromptCancelled();
  return value as Exclude<T, symbol>;
}

type Validate = (value: string | undefined) => string | undefined;

export async function askText(message: string, opts: { initialValue?: string; validate?: Validate } = {}) {
  const fake = sys().prompter;
  if (fake) return (await fake.text(message, opts)).trim();
  const clack = await loadClack();
  return (await answered(clack.text({ message, output: process.stderr, ...opts }))).trim();
}

export async function askPassword(message: string, validate?: Validate): Promise<string> {
  const fake = sys().prompter;
  if (fake) return fake.password(message, validate);
  const clack = await loadClack();
  return answered(clack.password({ message, output: process.stderr, validate }));
}

export async function askSelect<T extends string>(message: string, options: { value: T; label: string; hint?: string }[], initialValue: T): Promise<T> {
  const fake = sys().prompter;
  if (fake) return fake.select(message, options, initialValue);
  const clack = await loadClack();
  const choice = clack.select<T>({ message, output: process.stderr, initialValue, options: options as never });
  return (await answered(choice)) as T;
}

export async function askMultiSelect<T extends string>(
  message: string,
  options: { value: T; label: string; hint?: string }[],
  initialValues: T[],
): Promise<T[]> {
  const fake = sys().prompter;
  if (fake) return fake.multiselect ? fake.multiselect(message, options, initialValues) : initialValues;
  const clack = await loadClack();
  const choice = clack.multiselect<T>({ message, output: process.stderr, initialValues, required: true, options: options as never });
  return (await answered(choice)) as T[];
}

export async function askConfirm(message: string): Promise<boolean> {
  const fake = sys().prompter;
  if (fake) return fake.confirm(message);
  const clack = await loadClack();
  return answered(clack.confirm({ message, output: process.stderr, initialValue: false }));
}

export type Spinner = { stop(message: string): void; fail(message: string): void };

/** A spinner on a terminal; silent otherwise (a CI log full of frames helps nobody). */
export async function startSpinner(message: string): Promise<Spinner> {
  if (sys().stderr.isTTY !== true || sys().prompter) return { stop() {}, fail() {} };
  const spin = (await loadClack()).spinner({ output: process.stderr });
  spin.start(message);
  return { stop: (text) => spin.stop(text), fail: (text) => spin.error(text) };
}

/** A secret piped in: drop the one trailing newline `echo` adds, nothing else. */
export async function readSecretFromStdin(what: string): Promise<string> {
  const value = (await sys().stdin.text()).replace(/\r?\n$/, "");
  if (!value) throw new UsageError(`no ${what} on stdin`);
  return value;
}
