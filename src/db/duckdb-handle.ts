// DuckDB itself, below the one queue in database.ts: opening an instance (and naming the process
// that holds the file), closing one that may already be invalid, running statements with our
// parameter and row conventions, and the MVCC copy behind backups. Only database.ts imports this.
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";

export type SqlParam = string | number | boolean | null | Date | bigint;

export type Handle = { instance: DuckDBInstance; connection: DuckDBConnection; readOnly: boolean };

export async function openHandle(path: string, readOnly: boolean): Promise<Handle> {
  const instance = await openInstance(path, readOnly);
  try {
    return { instance, connection: await instance.connect(), readOnly };
  } catch (error) {
    instance.closeSync();
    throw error;
  }
}

/** Closing an invalidated instance can throw; it is being replaced either way. */
export function closeQuietly(handle: Handle): void {
  try {
    handle.connection.closeSync();
  } catch {
    // already unusable
  }
  try {
    handle.instance.closeSync();
  } catch {
    // already unusable
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

async function openInstance(path: string, readOnly = false): Promise<DuckDBInstance> {
  try {
    return await DuckDBInstance.create(path, readOnly ? { access_mode: "READ_ONLY" } : {});
  } catch (error) {
    // "IO Error: Could not set lock on file "…": Conflicting lock is held in /usr/bin/bun (PID 123) …"
    const message = error instanceof Error ? error.message : String(error);
    if (!/Could not set lock on file/i.test(message)) throw error;
    const pid = /\(PID (\d+)\)/.exec(message);
    throw new DatabaseLocked(path, pid ? Number(pid[1]) : null);
  }
}

export async function copyDatabase(instance: DuckDBInstance, target: string): Promise<void> {
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

export async function runStatement(connection: DuckDBConnection, sql: string, params: SqlParam[]): Promise<void> {
  await connection.run(sql, params.map(toDuckValue));
}

export async function readRows<T>(connection: DuckDBConnection, sql: string, params: SqlParam[]): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, params.map(toDuckValue));
  const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
  for (const row of rows) {
    for (const key in row) if (typeof row[key] === "bigint") row[key] = Number(row[key]);
  }
  return rows as T[];
}
