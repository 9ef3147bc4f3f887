// `bun src/server.ts restore <file> [--replace]`, by an operator on the host with the server
// stopped. Verifies the archive (format, checksums, a schema this Agnes can upgrade from), refuses
// a DATA_DIR that already has state unless --replace (then the old state is kept aside as
// state.before-restore-<time>), unpacks beside the target and renames into place, and opens the
// result once, so the server starts from it.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Database, DatabaseLocked } from "../db/database";
import { MIGRATIONS } from "../db/migrations";
import { schemaVersion } from "../db/migrate";
import { BackupInvalid, type BackupManifest } from "./backup-archive";
import { readBackupArchive } from "./backup-reader";
import { inUseMessage, OperatorError } from "./operator-error";

/** Key files under $DATA_DIR/state that belong to the host, never to a backup. */
const HOST_KEYS = ["jwt-secret"];
/** The `da` signing key (and its rotation chain) when it lives in state/: installed `da`s trust it. */
const HOST_SIGNING_FILES = ["da-signing-key", "da-signing-key.chain"];

/**
 * Where the session signing key comes from after the restore: a format-1 archive's own, the key of
 * the state it replaced (kept), or nowhere (the operator's JWT_SECRET_KEY or kept file, else a new one).
 */
export type SessionKeySource = "backup" | "kept" | "none";
export type RestoreResult = { manifest: BackupManifest; movedAside: string | null; users: number; sessionKey: SessionKeySource; ms: number };

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

/** Streams the archive's listed files into `staging`, checking each (see backup-reader.ts). */
async function unpackVerified(file: string, staging: string, identity: string | null): Promise<BackupManifest> {
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  try {
    const { manifest } = await readBackupArchive(file, staging, identity);
    const known = Math.max(...MIGRATIONS.map((m) => m.version));
    if (manifest.schema_version > known) {
      throw new BackupInvalid(`it was made by a newer Agnes (${manifest.agnes_version}, schema ${manifest.schema_version}); upgrade this one first`);
    }
    return manifest;
  } catch (error) {
    if (error instanceof BackupInvalid) throw new OperatorError(`agnes: cannot restore ${file}: ${error.message}`);
    throw error;
  }
}

/** Opening the copy once proves DuckDB accepts it before anything in DATA_DIR is moved. */
async function countUsers(staging: string): Promise<number> {
  const db = await Database.open(join(staging, "system.duckdb"));
  try {
    await schemaVersion(db);
    const [row] = await db.query<{ n: number }>("SELECT count(*) AS n FROM users");
    return row?.n ?? 0;
  } finally {
    await db.close();
  }
}

/**
 * Keys that never travel in a backup stay with the machine: on --replace, the session signing key
 * of the state being replaced is carried over (unless the archive is a format-1 one with its own),
 * so sessions of people whose rows are in the backup keep working on this host.
 */
function carryOverKeys(from: string, staging: string, keys: string[] = HOST_KEYS): boolean {
  let kept = false;
  for (const key of keys) {
    const source = join(from, key);
    if (!existsSync(source) || existsSync(join(staging, key))) continue;
    copyFileSync(source, join(staging, key));
    chmodSync(join(staging, key), 0o600);
    kept = true;
  }
  return kept;
}

/** `identity`: the age identity (BACKUP_ENCRYPTION_KEY) that opens an encrypted backup. */
export async function restoreBackup(opts: { file: string; dataDir: string; replace: boolean; identity?: string | null }): Promise<RestoreResult> {
  const started = performance.now();
  if (!existsSync(opts.file)) throw new OperatorError(`agnes: cannot restore: ${opts.file} does not exist`, 2);
  const stateDir = join(opts.dataDir, "state");
  const hasState = existsSync(stateDir) && readdirSync(stateDir).length > 0;
  await assertNotInUse(opts.dataDir, join(stateDir, "system.duckdb"));
  if (hasState && !opts.replace) {
    throw new OperatorError(
      `agnes: cannot restore: ${stateDir} already holds a database; pass --replace to keep it aside as state.before-restore-<time> and restore over it`,
      2,
    );
  }
  const when = stamp();
  const staging = join(opts.dataDir, `state.restoring-${when}`);
  let users: number;
  let manifest: BackupManifest;
  let sessionKey: SessionKeySource;
  try {
    manifest = await unpackVerified(opts.file, staging, opts.identity ?? null);
    users = await countUsers(staging);
    sessionKey = existsSync(join(staging, "jwt-secret")) ? "backup" : hasState && carryOverKeys(stateDir, staging) ? "kept" : "none";
    // Without it, every installed `da` would refuse the next release (signed by a new key).
    if (hasState) carryOverKeys(stateDir, staging, HOST_SIGNING_FILES);
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
  return { manifest, movedAside, users, sessionKey, ms: Math.round(performance.now() - started) };
}
