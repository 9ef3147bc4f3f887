// `bun src/server.ts restore <file> [--replace]`, by an operator on the host with the server
// stopped. Verifies the archive (format, checksums, a schema this Agnes can upgrade from), refuses
// a DATA_DIR that already has state unless --replace (then the old state is kept aside as
// state.before-restore-<time>), unpacks beside the target and renames into place, and opens the
// result once, so the server starts from it.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Database, DatabaseLocked } from "../db/database";
import { MIGRATIONS } from "../db/migrations";
import { schemaVersion } from "../db/migrate";
import { BackupInvalid, DB_ENTRY, JWT_ENTRY, readBackupArchive, type BackupManifest } from "./backup-archive";
import { inUseMessage, OperatorError } from "./operator-error";

export type RestoreResult = { manifest: BackupManifest; movedAside: string | null; users: number; ms: number };

function stamp(): string {
  return new Date().toISOString().replace(/[-:.]/g, "");
}

/** Refuses when the server (or anything) holds the database we would replace. */
async function assertNotInUse(dataDir: string, dbFile: string): Promise<void> {
  if (!existsSync(dbFile)) return;
  try {
    const db = await Database.open(dbFile);
    await db.close();
  } catch (error) {
    if (error instanceof DatabaseLocked) throw new OperatorError(`${inUseMessage(dataDir, error, "cannot restore")}. Stop the server first.`, 2);
    throw error;
  }
}

async function verify(file: string): Promise<Awaited<ReturnType<typeof readBackupArchive>>> {
  if (!existsSync(file)) throw new OperatorError(`agnes: cannot restore: ${file} does not exist`, 2);
  try {
    const backup = await readBackupArchive(file);
    const known = Math.max(...MIGRATIONS.map((m) => m.version));
    if (backup.manifest.schema_version > known) {
      throw new BackupInvalid(`it was made by a newer Agnes (${backup.manifest.agnes_version}, schema ${backup.manifest.schema_version}); upgrade this one first`);
    }
    return backup;
  } catch (error) {
    if (error instanceof BackupInvalid) throw new OperatorError(`agnes: cannot restore ${file}: ${error.message}`);
    throw error;
  }
}

async function unpack(backup: Awaited<ReturnType<typeof readBackupArchive>>, staging: string): Promise<number> {
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  await Bun.write(join(staging, "system.duckdb"), backup.files.get(DB_ENTRY)!);
  const jwt = backup.files.get(JWT_ENTRY);
  if (jwt) await Bun.write(join(staging, "jwt-secret"), jwt, { mode: 0o600 });
  // Opening it once proves DuckDB accepts the file before anything in DATA_DIR is moved.
  const db = await Database.open(join(staging, "system.duckdb"));
  try {
    await schemaVersion(db);
    const [row] = await db.query<{ n: number }>("SELECT count(*) AS n FROM users");
    return row?.n ?? 0;
  } finally {
    await db.close();
  }
}

export async function restoreBackup(opts: { file: string; dataDir: string; replace: boolean }): Promise<RestoreResult> {
  const started = performance.now();
  const backup = await verify(opts.file);
  const stateDir = join(opts.dataDir, "state");
  const hasState = existsSync(stateDir) && readdirSync(stateDir).length > 0;
  await assertNotInUse(opts.dataDir, join(stateDir, "system.duckdb"));
  if (hasState && !opts.replace) {
    throw new OperatorError(`agnes: cannot restore: ${stateDir} already holds a database; pass --replace to keep it aside as state.before-restore-<time> and restore over it`, 2);
  }
  const when = stamp();
  const staging = join(opts.dataDir, `state.restoring-${when}`);
  let users: number;
  try {
    users = await unpack(backup, staging);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  let movedAside: string | null = null;
  if (hasState) {
    movedAside = join(opts.dataDir, `state.before-restore-${when}`);
    renameSync(stateDir, movedAside);
  } else {
    rmSync(stateDir, { recursive: true, force: true });
  }
  renameSync(staging, stateDir);
  return { manifest: backup.manifest, movedAside, users, ms: Math.round(performance.now() - started) };
}
