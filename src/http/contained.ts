// A hook that must never take the server down: an exception thrown after the response (where
// Elysia's onError does not reach) once ended the process. A failure is logged once, without the
// request's contents, and swallowed.
import type { Logger } from "../log";

export function contained<A extends unknown[]>(log: Logger, name: string, fn: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      fn(...args);
    } catch (error) {
      log.error("hook.failed", { hook: name, error: errorSummary(error) });
    }
  };
}

/** The error's class and message, never a stack (stacks carry file paths). */
export function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error).slice(0, 500);
}
