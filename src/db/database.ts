// The only code that talks to DuckDB. One connection, and every statement goes through one promise
// queue: DuckDB's concurrent writers fail with "Conflict on update", and a shared prepared statement
// across in-flight requests returned other requests' rows (see guides/stack-facts.md). A transaction
// holds the queue for its whole body, which makes check-then-write steps (safeguards) atomic.
// It is also the only path into the in-memory auth state: a transaction's auth effects are applied
// right after its COMMIT, still holding the queue (so in commit order), and dropped on ROLLBACK.
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";
import { AuthEffects } from "../auth/auth-effects";
import type { ApplyAuthEffects } from "../auth/auth-state";

export type SqlParam = string | number | boolean | null | Date | bigint;

export interface Queryable {
  /** Rows as plain objects: BOOLEAN → boolean, TIMESTAMP → Date, BIGINT → number. */
  query<T>(sql: string, params?: SqlParam[]): Promise<T[]>;
  run(sql: string, params?: SqlParam[]): Promise<void>;
}

/** Inside db.transaction. Repository writes to users, sessions and tokens need one (and register their effect). */
export interface Transaction extends Queryable {
  readonly effects: AuthEffects;
}

export class Database implements Queryable {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private applyAuthEffects: ApplyAuthEffects | null = null;
  private pending = 0;
  private readonly snapshots = new Set<Promise<void>>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(path: string): Promise<Database> {
    const instance = await openInstance(path);
    return new Database(instance, await instance.connect());
  }

  /** Statements waiting for (or holding) the queue, for /metrics. */
  get queueDepth(): number {
    return this.pending;
  }

  /**
   * Copies the whole database into a new DuckDB file at `target` without holding the queue: a second
   * connection reads one MVCC snapshot (COPY FROM DATABASE is one transaction), so writes go on and
   * the copy holds exactly the transactions committed before it began.
   */
  snapshotTo(target: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error("database is closed"));
    const work = copyDatabase(this.instance, target);
    this.snapshots.add(work);
    void work.finally(() => this.snapshots.delete(work)).catch(() => undefined);
    return work;
  }

  query<T>(sql: string, params: SqlParam[] = []): Promise<T[]> {
    return this.enqueue(() => readRows<T>(this.connection, sql, params));
  }

  run(sql: string, params: SqlParam[] = []): Promise<void> {
    return this.enqueue(() => runStatement(this.connection, sql, params));
  }

  /**
   * Called once, by createContext, with the function that applies effects to its auth state. Before
   * that (migrations, seeding) effects are dropped: a state loaded later reads them from the tables.
   */
  feedAuthState(apply: ApplyAuthEffects): void {
    if (this.applyAuthEffects) throw new Error("this database already feeds an auth state");
    this.applyAuthEffects = apply;
  }

  /** Runs fn inside BEGIN/COMMIT with the queue held; any throw rolls back and re-throws. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      const tx: Transaction = {
        query: (sql, params = []) => readRows(this.connection, sql, params),
        run: (sql, params = []) => runStatement(this.connection, sql, params),
        effects: new AuthEffects(),
      };
      await this.connection.run("BEGIN TRANSACTION");
      let result: T;
      try {
        result = await fn(tx);
        await this.connection.run("COMMIT");
      } catch (error) {
        tx.effects.close();
        await this.connection.run("ROLLBACK");
        throw error;
      }
      // Outside the try: the write is committed, so a failure here must not attempt a ROLLBACK.
      this.applyAuthEffects?.(tx.effects.close());
      return result;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    await Promise.allSettled([...this.snapshots]);
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error("database is closed"));
    this.pending++;
    const next = this.queue.then(work, work).finally(() => this.pending--);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** Another process holds the file: DuckDB allows one writer process per database file. */
export class DatabaseLocked extends Error {
  constructor(
    readonly path: string,
    readonly pid: number | null,
  ) {
    super(`${path} is in use by another process${pid === null ? "" : ` (PID ${pid})`}`);
  }
}

async function openInstance(path: string): Promise<DuckDBInstance> {
  try {
    return await DuckDBInstance.create(path);
  } catch (error) {
    // "IO Error: Could not set lock on file "…": Conflicting lock is held in /usr/bin/bun (PID 123) …"
    const message = error instanceof Error ? error.message : String(error);
    if (!/Could not set lock on file/i.test(message)) throw error;
    const pid = /\(PID (\d+)\)/.exec(message);
    throw new DatabaseLocked(path, pid ? Number(pid[1]) : null);
  }
}

async function copyDatabase(instance: DuckDBInstance, target: string): Promise<void> {
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll("SELECT current_database() AS name");
    const source = String(reader.getRowObjectsJS()[0]!.name);
    await connection.run(`ATTACH '${target.replaceAll("'", "''")}' AS agnes_snapshot`);
    try {
      await connection.run(`COPY FROM DATABASE "${source.replaceAll('"', '""')}" TO agnes_snapshot`);
    } finally {
      await connection.run("DETACH agnes_snapshot");
    }
  } finally {
    connection.closeSync();
  }
}

function toDuckValue(value: SqlParam): DuckDBValue {
  // DuckDB casts ISO-8601 strings to TIMESTAMP on insert and comparison; a bare Date cannot be bound.
  if (value instanceof Date) return value.toISOString();
  return value;
}

async function runStatement(connection: DuckDBConnection, sql: string, params: SqlParam[]): Promise<void> {
  await connection.run(sql, params.map(toDuckValue));
}

async function readRows<T>(connection: DuckDBConnection, sql: string, params: SqlParam[]): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, params.map(toDuckValue));
  const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
  for (const row of rows) {
    for (const key in row) if (typeof row[key] === "bigint") row[key] = Number(row[key]);
  }
  return rows as T[];
}
