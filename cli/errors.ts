// The CLI's failure kinds. Commands throw these; main.ts turns them into one message, an optional
// hint and an exit code, so an expected failure never shows a stack trace.

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure with a message the user can act on, and optionally a hint line. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
  }
}

/** Bad command line: unknown command or flag, missing argument, missing input without a TTY. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, hint, EXIT_USAGE);
  }
}

/** The server answered with an error status; `detail` is its message. */
export class ServerError extends CliError {
  constructor(
    readonly status: number,
    readonly detail: string,
    hint?: string,
  ) {
    super(detail, hint, EXIT_FAILURE);
  }
}

/** The user pressed Ctrl-C / Escape in a prompt. */
export class PromptCancelled extends CliError {
  constructor() {
    super("Cancelled — nothing was changed.");
  }
}
