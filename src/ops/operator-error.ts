// What an operator command (restore, recover-admin) or a refused server start says: one line, an
// exit code, never a stack trace. Exit codes: 1 the command failed, 2 refused (usage, the data
// directory is in use or not empty).
import type { DatabaseLocked } from "../db/database";

export class OperatorError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** The one sentence for "another process holds this DATA_DIR's database". */
export function inUseMessage(dataDir: string, locked: DatabaseLocked, doing: string): string {
  const who = locked.pid === null ? "another process" : `another process (PID ${locked.pid})`;
  return `agnes: ${doing}: DATA_DIR ${dataDir} is in use by ${who}; only one Agnes server may use a data directory`;
}
