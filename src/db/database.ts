// The only code that talks to DuckDB. One connection, and every statement goes through one promise
// queue: DuckDB's concurrent writers fail with "Conflict on update", and a shared prepared statement
// across in-flight requests returned other requests' rows (measured: 1,975 wrong of 2,000). A transaction
// holds the queue for its whole body, which makes check-then-write steps (safeguards) atomic.
// Effects registered on a transaction (`tx.onCommit`: the auth layer's changes to its in-memory
// state) are handed to the commit listener right after COMMIT, still holding the queue (so in commit
// order), and dropped on ROLLBACK. This layer does not know what they are.
// When the disk is full or read-only (src/db/storage.ts), every DuckDB failure is turned into
// StorageUnavailable here, at the call. DuckDB invalidates the whole instance when a checkpoint
// fails (reads too), so the next statement reopens it: read-write if it can, else read-only so
// reads go on, trying read-write again with backoff. A COMMIT must not be the thing that finds the
// disk full: DuckDB 1.5.6 can abort the whole process while reverting a failed COMMIT (an index
// undo throws inside std::terminate), so every write first checks that the directory is writable
// and has room, and rewrites one byte of a probe file (a file system the kernel turned read-only
// after an error still passes access(W_OK)); if not, it is refused before BEGIN (writeBlocked). Measured behaviour: docs/architecture.md.
import { accessSync, closeSync, constants, openSync, statfsSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { closeQuietly, copyDatabase, openHandle, readRows, runStatement, type Handle, type SqlParam } from "./duckdb-handle";
import { committedButInvalidated, invalidatesInstance, StorageHealth, StorageUnavailable, storageFailureOf } from "./storage";

export type { SqlParam } from "./duckdb-handle";
export { DatabaseLocked } from "./duckdb-handle";

export interface Queryable {
  /** Rows as plain objects: BOOLEAN → boolean, TIMESTAMP → Date, BIGINT → number. */
  query<T>(sql: string, params?: SqlParam[]): Promise<T[]>;
  run(sql: string, params?: SqlParam[]): Promise<void>;
}

/** What a transaction leaves for after its COMMIT: opaque here, read by the commit listener. */
export type CommitEffect = { readonly kind: string };
export type CommitListener = (effects: readonly CommitEffect[]) => void;

/** Inside db.transaction. Writes whose effect must follow the commit register it with `onCommit`. */
export interface Transaction extends Queryable {
  /** Applied after COMMIT, in commit order; dropped on ROLLBACK. Throws once the transaction has ended. */
  onCommit(effect: CommitEffect): void;
}

/** Collects one transaction's effects; closed once the transaction ends, so a late write cannot slip in. */
class CommitEffects {
  private readonly pending: CommitEffect[] = [];
  private closed = false;
  add(effect: CommitEffect): void {
    // A write that finishes after its transaction ended (an un-awaited promise) would be lost.
    if (this.closed) throw new Error("effect registered after its transaction ended");
    this.pending.push(effect);
  }
  close(): readonly CommitEffect[] {
    this.closed = true;
    return this.pending;
  }
}

// Read-write is tried again after 1 s, 2 s, 4 s … at most every 30 s while the instance is read-only.
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;
/** Below this much free space a write is refused before it starts (a WAL append takes far less). */
export const MIN_FREE_BYTES = 4 * 1024 * 1024;
const PROBE_BYTE = new Uint8Array([0x2a]);

export type DatabaseOptions = {
  /** Free space a write needs on the database's file system; 0 lets DuckDB find out itself (tests only). */
  minFreeBytes?: number;
};

export class Database implements Queryable {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private commitListener: CommitListener | null = null;
  private pending = 0;
  private readonly snapshots = new Set<Promise<void>>();
  /** The instance was invalidated (or a rollback left the connection in doubt): reopen before the next statement. */
  private broken = false;
  private retryDelayMs = RETRY_FIRST_MS;
  /** `.write-probe` beside the database, kept open: rewriting its byte needs no new space, only a writable disk. */
  private probeFd: number | null = null;
  private nextWritableTry = 0;
  /** Whether writes are refused because the disk is full or read-only; logs one line per episode. */
  readonly storage = new StorageHealth();

  private constructor(
    private readonly path: string,
    private handle: Handle,
    private readonly minFreeBytes: number,
  ) {}

  static async open(path: string, options: DatabaseOptions = {}): Promise<Database> {
    return new Database(path, await openHandle(path, false), options.minFreeBytes ?? MIN_FREE_BYTES);
  }

  /**
   * Why a write would be refused right now (the disk is full or read-only, or the instance could only
   * be reopened read-only), or null. Two system calls; every write asks, and so does /ready.
   */
  writeBlocked(): StorageUnavailable | null {
    if (this.readOnly) return new StorageUnavailable(this.storage.problem ?? "read-only");
    const dir = dirname(this.path);
    try {
      accessSync(dir, constants.W_OK); // EROFS on a read-only mount
      this.probeFd ??= openSync(join(dir, ".write-probe"), "w", 0o600);
      writeSync(this.probeFd, PROBE_BYTE, 0, 1, 0); // EROFS once the kernel has turned the file system read-only
      const { bavail, bsize } = statfsSync(dir);
      if (bavail * bsize >= this.minFreeBytes) return null;
      return new StorageUnavailable("full", new Error(`No space left on device: ${bavail * bsize} bytes free under ${dir}, writes need ${this.minFreeBytes}`));
    } catch (error) {
      const reason = storageFailureOf(error);
      return reason ? new StorageUnavailable(reason, error) : null;
    }
  }

  /** Statements waiting for (or holding) the queue, for /metrics. */
  get queueDepth(): number {
    return this.pending;
  }

  /** True while the instance serves reads only (it could not be reopened read-write). */
  get readOnly(): boolean {
    return this.handle.readOnly || this.broken;
  }

  /**
   * Copies the whole database into a new DuckDB file at `target` without holding the queue: a second
   * connection reads one MVCC snapshot (COPY FROM DATABASE is one transaction), so writes go on and
   * the copy holds exactly the transactions committed before it began.
   */
  snapshotTo(target: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error("database is closed"));
    if (this.broken) return Promise.reject(new StorageUnavailable("io"));
    const work = copyDatabase(this.handle.instance, target).catch((error) => {
      throw this.storage.refused(error, "backup");
    });
    this.snapshots.add(work);
    void work.finally(() => this.snapshots.delete(work)).catch(() => undefined);
    return work;
  }

  query<T>(sql: string, params: SqlParam[] = []): Promise<T[]> {
    return this.enqueue(async () => this.call("read", readRows<T>((await this.usable()).connection, sql, params)));
  }

  async run(sql: string, params: SqlParam[] = []): Promise<void> {
    return this.enqueue(async () => {
      const handle = await this.usable();
      this.assertWritable();
      try {
        await runStatement(handle.connection, sql, params);
      } catch (error) {
        // Autocommit: the statement is in the WAL, only the checkpoint after it failed.
        if (!committedButInvalidated(error)) throw this.failed(error, "write");
        this.failed(error, "checkpoint");
        return;
      }
      if (!handle.readOnly) this.storage.wrote("write");
    });
  }

  /**
   * Called once, by createContext, with the function that applies committed effects (to its auth
   * state). Before that (migrations, seeding) effects are dropped: a state loaded later reads the tables.
   */
  onCommitted(listener: CommitListener): void {
    if (this.commitListener) throw new Error("this database already has a commit listener");
    this.commitListener = listener;
  }

  /** Runs fn inside BEGIN/COMMIT with the queue held; any throw rolls back and re-throws. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      const { connection, readOnly } = await this.usable();
      this.assertWritable();
      const effects = new CommitEffects();
      const tx: Transaction = {
        query: (sql, params = []) => this.call("write", readRows(connection, sql, params)),
        run: (sql, params = []) => this.call("write", runStatement(connection, sql, params)),
        onCommit: (effect) => effects.add(effect),
      };
      let result: T;
      try {
        await this.call("write", connection.run("BEGIN TRANSACTION"));
        result = await fn(tx);
        await connection.run("COMMIT");
      } catch (error) {
        if (!committedButInvalidated(error)) {
          effects.close();
          await this.rollback(connection);
          throw this.failed(error, "write");
        }
        // Durable in the WAL: answered as done, and the instance is reopened before the next statement.
        this.failed(error, "checkpoint");
      }
      if (!readOnly && !this.broken) this.storage.wrote("transaction");
      // The write is committed, so a failure here must not attempt a ROLLBACK.
      this.commitListener?.(effects.close());
      return result!;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    await Promise.allSettled([...this.snapshots]);
    closeQuietly(this.handle);
    if (this.probeFd !== null) closeSync(this.probeFd);
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error("database is closed"));
    this.pending++;
    const next = this.queue.then(work, work).finally(() => this.pending--);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** A DuckDB call whose storage failures become StorageUnavailable (and mark the instance for reopening). */
  private async call<T>(kind: "read" | "write", work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      throw this.failed(error, kind);
    }
  }

  private assertWritable(): void {
    const blocked = this.writeBlocked();
    if (blocked) throw this.storage.refused(blocked, "write");
  }

  private failed(error: unknown, where: string): unknown {
    if (invalidatesInstance(error)) this.broken = true;
    return this.storage.refused(error, where);
  }

  /**
   * After a failed COMMIT DuckDB has already ended the transaction ("cannot rollback - no transaction
   * is active"); the original error is the one to report. Any other rollback failure leaves the
   * connection in doubt, so it is replaced before the next statement.
   */
  private async rollback(connection: DuckDBConnection): Promise<void> {
    try {
      await connection.run("ROLLBACK");
    } catch (error) {
      if (!/no transaction is active/i.test(error instanceof Error ? error.message : String(error))) this.broken = true;
    }
  }

  /** The handle to run on; reopens an invalidated instance, and retries read-write when it is due. */
  private async usable(): Promise<Handle> {
    const retryWritable = this.handle.readOnly && Date.now() >= this.nextWritableTry;
    if (this.broken || retryWritable) await this.reopen();
    return this.handle;
  }

  private async reopen(): Promise<void> {
    // Neither read-write nor read-only opened last time: wait for the backoff before trying again.
    if (this.broken && Date.now() < this.nextWritableTry) throw new StorageUnavailable(this.storage.problem ?? "io");
    const wasBroken = this.broken;
    // Nothing else may use the old instance while it closes: the queue is held, backups are waited for.
    await Promise.allSettled([...this.snapshots]);
    closeQuietly(this.handle);
    this.broken = true;
    try {
      this.handle = await openHandle(this.path, false);
      this.broken = false;
      this.retryDelayMs = RETRY_FIRST_MS;
      this.nextWritableTry = 0;
      this.storage.log?.info("db.reopened", { access: "read_write" });
      return;
    } catch (error) {
      this.storage.refused(error, "reopen");
    }
    this.nextWritableTry = Date.now() + this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, RETRY_MAX_MS);
    try {
      this.handle = await openHandle(this.path, true);
      this.broken = false;
      if (wasBroken) this.storage.log?.info("db.reopened", { access: "read_only" });
    } catch (error) {
      throw this.storage.refused(error, "reopen");
    }
  }
}
