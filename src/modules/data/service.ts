// The data side's running state, one per app (ctx.data): the datasets as last committed (an
// in-memory copy, like the auth state: reads cost no database round trip), the query sandbox built
// over them, the concurrency gate, and the queries running now (so a timeout or a deactivation
// interrupts them inside DuckDB).
import { mkdirSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { availableParallelism } from "node:os";
import type { DataSettings } from "../../config";
import type { Queryable } from "../../db/database";
import type { Principal } from "../../auth/principal";
import type { AuthUser, GroupReader } from "../../auth/auth-state";
import { canRead } from "./access";
import { duckdbFile } from "./files";
import { QueryFailed, queryTimedOut } from "./query-errors";
import { listDatasetRows, type DatasetRow } from "./repository";
import { QueryGate } from "./gate";
import { QuerySandbox } from "./sandbox";
import type { QueryAuditWriter } from "./query-audit";

export type UserLookup = (id: string) => AuthUser | undefined;

type StopReason = "timeout" | "revoked";
type Running = { userId: string; connection: DuckDBConnection; stopped: StopReason | null; repeat: Timer | null; onStop: ((why: StopReason) => void) | null };

export type QueryLease = {
  connection: DuckDBConnection;
  end: () => void;
  /** The client was answered but DuckDB is still busy: give the slot back, count the work as overtime. */
  handOff: () => void;
  stopped: () => "timeout" | "revoked" | null;
  interrupt: () => void;
  /**
   * Called when the query is stopped (timeout, deactivation). An interrupt only ends DuckDB work
   * that is running: a streamed answer whose client stopped reading runs nothing, so it must end itself.
   */
  onStop: (handler: (why: StopReason) => void) => void;
};

export const revokedFailure = () => new QueryFailed(403, "The account was deactivated; the query was stopped", "refused");

const INTERRUPT_REPEAT_MS = 200;
const ANSWER_GRACE_MS = 3000;

export class DataService {
  private readonly running = new Set<Running>();
  private changes: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly settings: DataSettings,
    private rows: DatasetRow[],
    private readonly sandbox: QuerySandbox,
    readonly gate: QueryGate,
    private readonly groups: GroupReader,
    /** Where `data.query` entries go, after the answer (query-audit.ts). */
    readonly audits: QueryAuditWriter,
    private readonly userNow: UserLookup,
  ) {}

  /**
   * `groups`: the auth state's groups and grants, asked on every request (access.ts); `userNow`:
   * the account as it is now (a request's principal is a copy taken when it arrived).
   */
  static async open(settings: DataSettings, db: Queryable, groups: GroupReader, audits: QueryAuditWriter, userNow: UserLookup): Promise<DataService> {
    mkdirSync(settings.datasetsDir, { recursive: true, mode: 0o700 });
    const rows = await listDatasetRows(db);
    const sandbox = await QuerySandbox.open(sandboxDatasets(settings, rows), {
      memoryMb: settings.queryMemoryMb,
      threads: Math.max(1, availableParallelism() - 1),
    });
    const gate = new QueryGate(settings.queryConcurrency, settings.queryTimeoutSeconds * 1000, settings.queryPerUser);
    return new DataService(settings, rows, sandbox, gate, groups, audits, userNow);
  }

  /** Every dataset, as last committed. Callers filter with canRead. */
  all(): readonly DatasetRow[] {
    return this.rows;
  }

  readable(me: Principal): DatasetRow[] {
    return this.rows.filter((row) => canRead(this.groups, me, row));
  }

  /** May `me` read this dataset (groups and grants, decided now)? */
  canRead(me: Principal, row: Pick<DatasetRow, "name">): boolean {
    return canRead(this.groups, me, row);
  }

  /** Runs `fn` one at a time: dataset changes commit and rebuild the sandbox in order. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.changes.then(fn, fn);
    this.changes = next.catch(() => undefined);
    return next;
  }

  /** After a committed change: reload the rows and swap in a sandbox over them. */
  async refresh(db: Queryable): Promise<void> {
    const rows = await listDatasetRows(db);
    await this.sandbox.rebuild(sandboxDatasets(this.settings, rows));
    this.rows = rows;
  }

  /**
   * Runs `fn` with a sandbox connection, inside the gate. At QUERY_TIMEOUT_S the query is
   * interrupted, and again every INTERRUPT_REPEAT_MS: DuckDB clears the flag when a query starts
   * executing, so under load an interrupt that arrived before the start was lost and the query ran
   * on (measured). A single function call (`repeat('x', 2000000000)`) is not interruptible at all,
   * so the client is answered 408 ANSWER_GRACE_MS later whatever DuckDB does. Its slot then goes
   * to the next query and the work counts as overtime until DuckDB returns; overtime has its own
   * bound (QUERY_CONCURRENCY), past which the slot stays taken: at most twice QUERY_CONCURRENCY
   * queries' worth of DuckDB work at once. Overtime stays on its caller's cap (gate.ts), so one
   * user's runaways never hold more than QUERY_PER_USER of it, and other users keep the rest.
   */
  async withQuery<T>(me: Principal, fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const lease = await this.open(me);
    let answerBy: Timer | undefined;
    const work = fn(lease.connection).finally(() => {
      clearTimeout(answerBy);
      lease.end();
    });
    work.catch(() => undefined); // answered by the deadline below; it still ends here
    const deadline = new Promise<never>((_, reject) => {
      answerBy = setTimeout(
        () => {
          lease.handOff();
          reject(queryTimedOut(this.settings.queryTimeoutSeconds));
        },
        this.settings.queryTimeoutSeconds * 1000 + ANSWER_GRACE_MS,
      );
    });
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      throw lease.stopped() === "revoked" ? revokedFailure() : error;
    }
  }

  /**
   * A query slot and a connection, interrupted at QUERY_TIMEOUT_S (or when the user is locked out)
   * until `end()`; for a streamed result, which holds them until its last chunk is sent.
   */
  async open(me: Principal): Promise<QueryLease> {
    const ticket = await this.gate.enter(me.user.id);
    let lease: Awaited<ReturnType<QuerySandbox["connect"]>>;
    try {
      // Decided once the slot is ours, not when the request arrived: while it waited in the queue
      // its reader may have been deactivated or lost a grant, and datasets may have been added.
      const user = this.userNow(me.user.id);
      if (!user?.active) throw revokedFailure();
      // The instance over exactly what they may read now (the whole one when that is everything).
      lease = await this.sandbox.connect(this.readable({ ...me, user }).map((row) => row.name));
    } catch (error) {
      ticket.release();
      throw error;
    }
    const entry: Running = { userId: me.user.id, connection: lease.connection, stopped: null, repeat: null, onStop: null };
    this.running.add(entry);
    const timer = setTimeout(() => this.stop(entry, "timeout"), this.settings.queryTimeoutSeconds * 1000);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      if (entry.repeat) clearInterval(entry.repeat);
      this.running.delete(entry);
      lease.release();
      ticket.release();
    };
    const handOff = () => {
      if (!ended) ticket.handOff();
    };
    const onStop = (handler: (why: StopReason) => void) => {
      entry.onStop = handler;
    };
    return { connection: lease.connection, end, handOff, stopped: () => entry.stopped, interrupt: () => this.stop(entry, "timeout"), onStop };
  }

  /** A deactivated or deleted user's running queries end now (fed from committed auth effects). */
  stopQueriesOf(userId: string): void {
    for (const entry of this.running) if (entry.userId === userId) this.stop(entry, "revoked");
  }

  private stop(entry: Running, why: StopReason): void {
    entry.stopped = why;
    entry.connection.interrupt();
    entry.repeat ??= setInterval(() => entry.connection.interrupt(), INTERRUPT_REPEAT_MS);
    entry.onStop?.(why);
  }

  close(): void {
    this.audits.close();
    for (const entry of this.running) entry.connection.interrupt();
    this.sandbox.close();
  }
}

function sandboxDatasets(settings: DataSettings, rows: DatasetRow[]) {
  return rows.map((row) => ({ name: row.name, file: duckdbFile(settings.datasetsDir, row.file_id) }));
}

/**
 * Bun runs every DuckDB call (user queries, interrupted runaways still finishing, and the system
 * database's) on one pool of UV_THREADPOOL_SIZE threads, read at process start (setting it later in
 * the process changes nothing), default one per core. Measured on 2 cores: two runaways held both
 * threads and every other DuckDB call, on any instance, waited for them, a free gate slot or not.
 * Running plus overtime queries (twice QUERY_CONCURRENCY) and a spare for the system database fit
 * in `needed`; the Dockerfile and `bun run start` set 64.
 */
export function threadPoolHint(settings: DataSettings, env: Record<string, string | undefined> = process.env): string | null {
  const pool = Number(env.UV_THREADPOOL_SIZE) || availableParallelism();
  const needed = 2 * settings.queryConcurrency + 2;
  if (pool >= needed) return null;
  return `DuckDB calls run on ${pool} threads (UV_THREADPOOL_SIZE): a few runaway queries can hold all of them and stall every other query; start the server with UV_THREADPOOL_SIZE=${needed} or more`;
}
