// The backup file: a gzip'd tar (inspect it with `tar tzf`), self-describing and checksummed.
//   manifest.json        format, format_version, agnes_version, commit, created_at, schema_version,
//                        jwt_secret ("included" | "environment"), files: {path: {size, sha256}}
//   state/system.duckdb  a consistent copy of the database (users, sessions, tokens, audit, reset links)
//   state/jwt-secret     the session signing key, when it lives in $DATA_DIR/state (not JWT_SECRET_KEY)
// The server writes it and `restore` reads it; both go through this file, so the format has one owner.
// Names are a fixed pattern, checked before any path is built: a name can never leave BACKUP_DIR.
import { existsSync } from "node:fs";

export const BACKUP_FORMAT = "agnes-backup";
export const BACKUP_FORMAT_VERSION = 1;
export const DB_ENTRY = "state/system.duckdb";
export const JWT_ENTRY = "state/jwt-secret";
const MANIFEST_ENTRY = "manifest.json";

const NAME_PATTERN = /^agnes-backup-\d{8}T\d{9}Z\.tar\.gz$/;

export type BackupManifest = {
  format: typeof BACKUP_FORMAT;
  format_version: number;
  agnes_version: string;
  commit: string;
  created_at: string;
  schema_version: number;
  jwt_secret: "included" | "environment";
  files: Record<string, { size: number; sha256: string }>;
};

export class BackupInvalid extends Error {}

/** agnes-backup-20260101T120000123Z.tar.gz: sorts by time, and nothing else is ever a backup name. */
export function backupName(at: Date): string {
  const stamp = at.toISOString().replace(/[-:.]/g, "");
  return `agnes-backup-${stamp}.tar.gz`;
}

export function isBackupName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

async function sha256Of(blob: Blob): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return hasher.digest("hex");
    hasher.update(value);
  }
}

export type BackupSources = {
  databaseFile: string;
  jwtSecretFile: string | null;
  meta: Pick<BackupManifest, "agnes_version" | "commit" | "created_at" | "schema_version">;
};

/** Writes the archive to `path` (the caller renames it into place) and returns its manifest. */
export async function writeBackupArchive(path: string, sources: BackupSources): Promise<BackupManifest> {
  // Bytes, not Bun.file(): Bun.Archive writes a lazily read file blob as an empty entry (Bun 1.4.4).
  const entries: Record<string, Uint8Array> = { [DB_ENTRY]: await Bun.file(sources.databaseFile).bytes() };
  if (sources.jwtSecretFile && existsSync(sources.jwtSecretFile)) entries[JWT_ENTRY] = await Bun.file(sources.jwtSecretFile).bytes();
  const files: BackupManifest["files"] = {};
  for (const [name, bytes] of Object.entries(entries)) files[name] = { size: bytes.byteLength, sha256: new Bun.CryptoHasher("sha256").update(bytes).digest("hex") };
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    format_version: BACKUP_FORMAT_VERSION,
    ...sources.meta,
    jwt_secret: entries[JWT_ENTRY] ? "included" : "environment",
    files,
  };
  // The manifest goes first, so `tar xzf - manifest.json` reads it without unpacking the database.
  await Bun.Archive.write(path, { [MANIFEST_ENTRY]: JSON.stringify(manifest, null, 2) + "\n", ...entries }, { compress: "gzip", level: 3 });
  return manifest;
}

function parseManifest(text: string): BackupManifest {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(text) as BackupManifest;
  } catch {
    throw new BackupInvalid("its manifest.json is not valid JSON");
  }
  if (manifest?.format !== BACKUP_FORMAT) throw new BackupInvalid("it is not an Agnes backup (manifest format is not agnes-backup)");
  if (manifest.format_version !== BACKUP_FORMAT_VERSION) {
    throw new BackupInvalid(`it has backup format ${manifest.format_version}; this Agnes reads format ${BACKUP_FORMAT_VERSION}`);
  }
  if (typeof manifest.files !== "object" || manifest.files === null || !manifest.files[DB_ENTRY]) {
    throw new BackupInvalid("its manifest lists no database");
  }
  return manifest;
}

export type VerifiedBackup = { manifest: BackupManifest; files: Map<string, Blob> };

/** Reads and checks an archive: a manifest of a known format, every listed file present with its size and SHA-256. */
export async function readBackupArchive(path: string): Promise<VerifiedBackup> {
  let entries: Map<string, File>;
  try {
    entries = await new Bun.Archive(await Bun.file(path).bytes()).files();
  } catch (error) {
    throw new BackupInvalid(`it is not a readable .tar.gz (${error instanceof Error ? error.message : String(error)})`);
  }
  const manifestFile = entries.get(MANIFEST_ENTRY);
  if (!manifestFile) throw new BackupInvalid("it has no manifest.json");
  const manifest = parseManifest(await manifestFile.text());
  const files = new Map<string, Blob>();
  for (const [name, expected] of Object.entries(manifest.files)) {
    if (name !== DB_ENTRY && name !== JWT_ENTRY) throw new BackupInvalid(`its manifest lists an unexpected file ${JSON.stringify(name)}`);
    const file = entries.get(name);
    if (!file) throw new BackupInvalid(`${name} is missing`);
    if (file.size !== expected.size || (await sha256Of(file)) !== expected.sha256) {
      throw new BackupInvalid(`${name} does not match its checksum (the file is damaged or was changed)`);
    }
    files.set(name, file);
  }
  return { manifest, files };
}
