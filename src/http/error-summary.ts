// How a failure is logged: its class and message. Never a stack (stacks carry file paths) and never
// the request's contents.
/** The error's class and message, never a stack. */
export function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error).slice(0, 500);
}
