import type { Database, Queryable } from "./database";
import { MIGRATIONS, type Migration } from "./migrations";

/** Applies every migration newer than the recorded schema version, each in its own transaction. */
export async function migrate(db: Database, migrations: Migration[] = MIGRATIONS, now = new Date()): Promise<number[]> {
  await db.run(`CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`);
  // Every migration not recorded yet, not only those above the newest: branches merged in another
  // order than their numbers (009 and 010 landing after 011) must still run on a database that has 011.
  const done = new Set((await db.query<{ version: number }>("SELECT version FROM schema_version")).map((r) => r.version));
  const applied: number[] = [];
  for (const migration of migrations.filter((m) => !done.has(m.version)).sort((a, b) => a.version - b.version)) {
    await db.transaction(async (tx) => {
      for (const statement of splitStatements(migration.sql)) await tx.run(statement);
      await tx.run("INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)", [migration.version, migration.name, now]);
    });
    applied.push(migration.version);
  }
  return applied;
}

function splitStatements(sql: string): string[] {
  return sql
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The newest migration applied to this database (0 for an empty one). */
export async function schemaVersion(q: Queryable): Promise<number> {
  const [row] = await q.query<{ v: number | null }>("SELECT max(version) AS v FROM schema_version");
  return row?.v ?? 0;
}
