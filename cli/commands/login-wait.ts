// Waiting for a person in a browser: bounded by DA_LOGIN_TIMEOUT (seconds, default 300), ended at
// once by Ctrl-C. Either way one line and exit 1, and nothing is stored (the credential is written
// only after the server handed it over).
import { CliError, UsageError } from "../errors";
import { sys } from "../system";

export const LOGIN_TIMEOUT_S = 300;

export function loginTimeoutMs(env: Record<string, string | undefined> = sys().env): number {
  const raw = env.DA_LOGIN_TIMEOUT;
  if (raw === undefined || raw === "") return LOGIN_TIMEOUT_S * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new UsageError(`DA_LOGIN_TIMEOUT must be a number of seconds between 0 and 3600, not "${raw}"`, "unset it for the default (300)");
  }
  return seconds * 1000;
}

function duration(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} minute${ms === 60_000 ? "" : "s"}` : `${Math.round(ms / 100) / 10} s`;
}

/** Runs `work` until it settles, the time is up, or Ctrl-C; the signal tells `work` to stop. */
export async function waitForPerson<T>(what: string, retry: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const limitMs = loginTimeoutMs();
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onInterrupt: (() => void) | undefined;
  const interrupted = new Promise<never>((_, reject) => {
    onInterrupt = () => reject(new CliError("Cancelled — nothing was stored."));
    process.once("SIGINT", onInterrupt);
  });
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CliError(`timed out after ${duration(limitMs)} waiting for ${what}; nothing was stored`, retry)), limitMs);
  });
  try {
    return await Promise.race([work(controller.signal), interrupted, timedOut]);
  } finally {
    clearTimeout(timer);
    process.removeListener("SIGINT", onInterrupt!);
    controller.abort();
  }
}

/** setTimeout that an abort ends early. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** An older server (or one without these routes) answers 404: say so in one line. */
export function olderServer(server: string, what: string): CliError {
  return new CliError(
    `${server} does not offer ${what} (the server is older than this da)`,
    "sign in with a password (da login --password-stdin) or a token (da login --with-token), or ask an admin to upgrade",
  );
}
