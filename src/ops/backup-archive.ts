// The backup file: a gzip'd tar (inspect it with `tar tzf`), self-describing and checksummed.
//   manifest.json        format, format_version, agnes_version, commit, created_at, schema_version,
//                        files: {path: {size, sha256}}; always the first entry
//   state/system.duckdb  a consistent copy of the database (users, sessions, tokens, audit, reset
//                        links); every secret in it is a hash or a one-way handle
// Nothing else, ever: the archive is an explicit allow-list (ARCHIVE_ENTRIES), so no key file that
// lands in $DATA_DIR/state later (the session signing key `jwt-secret`, any other key) can slip in.
// A backup must not open the running server: with the signing key inside, whoever held a backup
// could sign a session for anyone. Format 1 (before that rule) also carried `state/jwt-secret`;
// restore still reads it, nothing writes it.
// The server writes it and `restore` reads it (backup-reader.ts); the format has one owner, here.
// With BACKUP_ENCRYPTION_KEY the whole .tar.gz is encrypted with age (backup-crypto.ts) and named
// .tar.gz.age. Names are a fixed pattern, checked before any path is built: a name can never leave
// BACKUP_DIR.
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import * as tar from "tar-stream";
import { encryptStream } from "./backup-crypto";

export const BACKUP_FORMAT = "agnes-backup";
export const BACKUP_FORMAT_VERSION = 2;
export const DB_ENTRY = "state/system.duckdb";
/** Only in format-1 archives: the session signing key, which no backup carries any more. */
export const LEGACY_JWT_ENTRY = "state/jwt-secret";
export const MANIFEST_ENTRY = "manifest.json";
/** The entries an archive of each format may hold besides the manifest; nothing else is written or read. */
export const ARCHIVE_ENTRIES: Record<number, readonly string[]> = { 1: [DB_ENTRY, LEGACY_JWT_ENTRY], 2: [DB_ENTRY] };

const NAME_PATTERN = /^agnes-backup-\d{8}T\d{9}Z\.tar\.gz(?:\.age)?$/;

export type BackupManifest = {
  format: typeof BACKUP_FORMAT;
  format_version: number;
  agnes_version: string;
  commit: string;
  created_at: string;
  schema_version: number;
  /** Format 1 only: whether the archive carried the session signing key. */
  jwt_secret?: "included" | "environment";
  files: Record<string, { size: number; sha256: string }>;
};

export class BackupInvalid extends Error {}

/** agnes-backup-20260101T120000123Z.tar.gz(.age): sorts by time, and nothing else is ever a backup name. */
export function backupName(at: Date, encrypted = false): string {
  const stamp = at.toISOString().replace(/[-:.]/g, "");
  return `agnes-backup-${stamp}.tar.gz${encrypted ? ".age" : ""}`;
}

export function isBackupName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

async function sha256OfFile(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of createReadStream(path)) hasher.update(chunk as Buffer);
  return hasher.digest("hex");
}

export type BackupSources = {
  /** The database copy: the one file a backup holds. */
  databaseFile: string;
  meta: Pick<BackupManifest, "agnes_version" | "commit" | "created_at" | "schema_version">;
  /** An age recipient (age1…) to encrypt the archive to, or null. */
  recipient?: string | null;
};

/**
 * Writes the archive to `path` (the caller renames it into place) and returns its manifest. Streamed
 * from the file through tar and gzip: memory stays flat whatever the database's size.
 */
export async function writeBackupArchive(path: string, sources: BackupSources): Promise<BackupManifest> {
  const paths: Record<string, string> = { [DB_ENTRY]: sources.databaseFile };
  const files: BackupManifest["files"] = {};
  for (const name of ARCHIVE_ENTRIES[BACKUP_FORMAT_VERSION]!) {
    files[name] = { size: statSync(paths[name]!).size, sha256: await sha256OfFile(paths[name]!) };
  }
  const manifest: BackupManifest = { format: BACKUP_FORMAT, format_version: BACKUP_FORMAT_VERSION, ...sources.meta, files };
  const pack = tar.pack();
  const gzip = createGzip({ level: 3 });
  const out = createWriteStream(path, { mode: 0o600 });
  const packed = pipeline(pack, gzip);
  const written = sources.recipient ? encryptStream(gzip, sources.recipient).then((sealed) => pipeline(sealed, out)) : pipeline(gzip, out);
  const done = Promise.all([packed, written]);
  done.catch(() => undefined); // awaited below; an early failure must not be an unhandled rejection
  const mtime = new Date(sources.meta.created_at);
  // The manifest goes first, so `tar xzf - manifest.json` reads it without unpacking the database,
  // and restore knows what to expect before it reads anything else.
  pack.entry({ name: MANIFEST_ENTRY, mode: 0o600, mtime }, `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [name, { size }] of Object.entries(files)) {
    await new Promise<void>((resolve, reject) => {
      const entry = pack.entry({ name, size, mode: 0o600, mtime }, (error) => (error ? reject(error) : resolve()));
      createReadStream(paths[name]!).on("error", reject).pipe(entry);
    });
  }
  pack.finalize();
  await done;
  return manifest;
}
