// A full or read-only disk: how we recognise it and how we report it. Every write to DATA_DIR or
// BACKUP_DIR that fails because the disk is full or read-only becomes one typed error,
// StorageUnavailable, which the one onError answers with 503 and Retry-After; reads go on. The
// episode is logged once when the first write fails and once when a write works again (no line per
// request). What DuckDB does on ENOSPC/EROFS is written down in docs/architecture.md ("Full or
// read-only disk"); the messages matched here are the ones measured there.

export type StorageReason = "full" | "read-only" | "io";

export class StorageUnavailable extends Error {
  constructor(
    readonly reason: StorageReason,
    override readonly cause?: unknown,
  ) {
    super("The server's storage is full or read-only, so nothing can be saved right now; try again later");
  }
}

const FULL = /No space left on device|ENOSPC|Disk quota exceeded|EDQUOT/i;
const READ_ONLY = /Read-only file system|EROFS|attached in read-only mode/i;
// Only DuckDB's own kinds of error are read, by their prefix: a constraint error quotes the
// offending value, and a user's input must never look like a full disk.
const DUCKDB_STORAGE =
  /^(IO Error|FATAL Error|TransactionContext Error: Failed to commit|Invalid Input Error: Cannot execute statement of type \S+ on database \S+ which is attached in read-only mode)/;
const SYSCALL_CODES = new Set(["ENOSPC", "EDQUOT", "EROFS", "EIO"]);
// Not a storage problem: another process holds the file (reported at start, src/server.ts).
const LOCKED = /Could not set lock on file/i;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why a failure is a storage failure, or null when it is something else. */
export function storageFailureOf(error: unknown): StorageReason | null {
  if (error instanceof StorageUnavailable) return error.reason;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && SYSCALL_CODES.has(code)) return code === "EROFS" ? "read-only" : code === "EIO" ? "io" : "full";
  const message = messageOf(error);
  if (!DUCKDB_STORAGE.test(message) || LOCKED.test(message)) return null;
  if (FULL.test(message)) return "full";
  if (READ_ONLY.test(message)) return "read-only";
  return /^(IO Error|FATAL Error)/.test(message) ? "io" : null;
}

/** The error to throw for a failure: StorageUnavailable when it is one, else the failure itself. */
export function asStorageError(error: unknown): unknown {
  const reason = storageFailureOf(error);
  return reason && !(error instanceof StorageUnavailable) ? new StorageUnavailable(reason, error) : error;
}

/** DuckDB invalidated the instance (a failed checkpoint): only a new instance answers again. */
export function invalidatesInstance(error: unknown): boolean {
  return /^FATAL Error/.test(messageOf(error));
}

/**
 * DuckDB 1.5: "FATAL Error: Transaction COMMIT succeeded and is durable, but the autocheckpoint
 * failed. Reopen the database instance to recover." The write is in the WAL: it counts as done.
 */
export function committedButInvalidated(error: unknown): boolean {
  return /^FATAL Error: Transaction COMMIT succeeded and is durable/.test(messageOf(error));
}

type StorageLog = {
  warn(event: string, fields?: Record<string, string | number | boolean | null>): void;
  info(event: string, fields?: Record<string, string | number | boolean | null>): void;
};

/** Is the storage refusing writes right now? One log line when an episode starts and one when it ends. */
export class StorageHealth {
  private failing: { reason: StorageReason; since: number; refused: number } | null = null;
  log: StorageLog | null = null;

  get problem(): StorageReason | null {
    return this.failing?.reason ?? null;
  }

  /** A write failed for `error`; returns what to throw. Anything that is not a storage failure passes through. */
  refused(error: unknown, where: string): unknown {
    const reason = storageFailureOf(error);
    if (!reason) return error;
    if (this.failing) {
      this.failing.refused++;
    } else {
      this.failing = { reason, since: Date.now(), refused: 1 };
      const cause = error instanceof StorageUnavailable ? error.cause : error;
      this.log?.warn("storage.unavailable", { reason, where, error: messageOf(cause).slice(0, 300) });
    }
    return asStorageError(error);
  }

  /** A write went through: the episode, if any, is over. */
  wrote(where: string): void {
    if (!this.failing) return;
    const { reason, since, refused } = this.failing;
    this.failing = null;
    this.log?.info("storage.recovered", { reason, where, refused_writes: refused, seconds: Math.round((Date.now() - since) / 1000) });
  }
}
