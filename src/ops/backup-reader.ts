// Reads a backup archive (format in backup-archive.ts) as a stream, trusting nothing in it.
// A backup file may come from anywhere (a copy off the host, a download), and restore runs as the
// operator: a 3 MB archive of zeros once unpacked into 4.3 GB of memory. So, in one pass:
//   - manifest.json must come first, as a plain file of at most MAX_MANIFEST_BYTES, and list only
//     the entries its format allows (ARCHIVE_ENTRIES), each at most MAX_ENTRY_BYTES;
//   - every later entry must be a plain file the manifest lists, once, whose tar size equals the
//     manifest's: anything else (an unlisted name, a path trick, a link, a directory, a duplicate,
//     a size lie) is refused from its header, before one byte of it is read;
//   - a listed entry is streamed (to a file, or only hashed) with its byte count and SHA-256 checked.
//   - the unpacked stream may not run past the listed entries (plus tar's headers and padding): data
//     after the end of the archive would otherwise be decompressed (CPU) until the file ends;
//   - an age header must end within MAX_AGE_HEADER_BYTES with few recipient stanzas: the age library
//     keeps the whole header in memory.
// Memory stays flat whatever the archive claims. Tar and gzip are parsed by tar-stream and zlib; an
// age-encrypted archive (it starts with age's header line) is decrypted on the way in with the
// identity given, and a changed byte fails its chunk's authentication.
import { createReadStream, statfsSync } from "node:fs";
import { open } from "node:fs/promises";
import { Transform, type Readable } from "node:stream";
import { basename, join } from "node:path";
import { createGunzip } from "node:zlib";
import * as tar from "tar-stream";
import { AGE_MAGIC, decryptStream } from "./backup-crypto";
import { ARCHIVE_ENTRIES, BACKUP_FORMAT, BACKUP_FORMAT_VERSION, BackupInvalid, DB_ENTRY, MANIFEST_ENTRY, type BackupManifest } from "./backup-archive";

export const MAX_MANIFEST_BYTES = 64 * 1024;
/** No database this server makes comes near it; a manifest claiming more is refused before unpacking. */
export const MAX_ENTRY_BYTES = 256 * 1024 ** 3;
/** Our backups have one recipient stanza and a header of a few hundred bytes. */
export const MAX_AGE_HEADER_BYTES = 64 * 1024;
const MAX_AGE_STANZAS = 8;
/** Tar's own bytes beyond the entries' contents: headers, padding, the end marker (generous). */
const TAR_OVERHEAD_BYTES = 1024 * 1024;
/** Room left on the disk after unpacking, so a restore never fills it. */
const FREE_MARGIN_BYTES = 64 * 1024 ** 2;

/** `files`: each listed entry → the file it was written to (empty when only verified). */
export type VerifiedBackup = { manifest: BackupManifest; files: Map<string, string> };
type Header = tar.Header;

const quoted = (name: string) => JSON.stringify(name.length > 120 ? `${name.slice(0, 120)}…` : name);

async function readManifest(entry: AsyncIterable<Buffer>, header: Header): Promise<BackupManifest> {
  if (header.name !== MANIFEST_ENTRY)
    throw new BackupInvalid(`it does not start with manifest.json (first entry ${quoted(header.name)}); it is not an Agnes backup`);
  if (header.type !== "file") throw new BackupInvalid(`its manifest.json is a ${header.type}, not a file`);
  if ((header.size ?? 0) > MAX_MANIFEST_BYTES) throw new BackupInvalid(`its manifest.json is ${header.size} bytes (at most ${MAX_MANIFEST_BYTES})`);
  const chunks: Buffer[] = [];
  for await (const chunk of entry) chunks.push(chunk);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new BackupInvalid("its manifest.json is not valid JSON");
  }
  return checkManifest(parsed);
}

function checkManifest(value: unknown): BackupManifest {
  const manifest = value as BackupManifest;
  if (manifest?.format !== BACKUP_FORMAT) throw new BackupInvalid("it is not an Agnes backup (manifest format is not agnes-backup)");
  const allowed = ARCHIVE_ENTRIES[manifest.format_version];
  if (!allowed) throw new BackupInvalid(`it has backup format ${manifest.format_version}; this Agnes reads formats 1 to ${BACKUP_FORMAT_VERSION}`);
  if (!Number.isSafeInteger(manifest.schema_version) || typeof manifest.agnes_version !== "string") {
    throw new BackupInvalid("its manifest has no valid schema_version or agnes_version");
  }
  if (typeof manifest.files !== "object" || manifest.files === null || !Object.hasOwn(manifest.files, DB_ENTRY)) {
    throw new BackupInvalid("its manifest lists no database");
  }
  for (const [name, file] of Object.entries(manifest.files)) {
    if (!allowed.includes(name)) throw new BackupInvalid(`its manifest lists an unexpected file ${quoted(name)}`);
    if (!Number.isSafeInteger(file?.size) || file.size < 0 || typeof file.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(file.sha256)) {
      throw new BackupInvalid(`its manifest gives no valid size and sha256 for ${name}`);
    }
    if (file.size > MAX_ENTRY_BYTES) throw new BackupInvalid(`its manifest says ${name} is ${file.size} bytes (at most ${MAX_ENTRY_BYTES})`);
  }
  return manifest;
}

/** The manifest's record for this entry, or a refusal made from the header alone. */
function expectedFor(manifest: BackupManifest, header: Header, seen: Set<string>): { size: number; sha256: string } {
  const name = quoted(header.name);
  if (!Object.hasOwn(manifest.files, header.name)) throw new BackupInvalid(`it holds ${name}, which its manifest does not list`);
  if (header.type !== "file") throw new BackupInvalid(`its entry ${name} is a ${header.type}, not a plain file`);
  if (seen.has(header.name)) throw new BackupInvalid(`it holds ${name} twice`);
  seen.add(header.name);
  const expected = manifest.files[header.name]!;
  if (header.size !== expected.size) throw new BackupInvalid(`${header.name} is ${header.size} bytes in the archive but ${expected.size} in its manifest`);
  return expected;
}

async function copyEntry(entry: AsyncIterable<Buffer>, name: string, expected: { size: number; sha256: string }, target: string | null): Promise<void> {
  const hasher = new Bun.CryptoHasher("sha256");
  const out = target ? await open(target, "wx", 0o600) : null;
  let bytes = 0;
  try {
    for await (const chunk of entry) {
      bytes += chunk.byteLength;
      if (bytes > expected.size) break;
      hasher.update(chunk);
      if (out) await out.write(chunk);
    }
  } finally {
    await out?.close();
  }
  if (bytes !== expected.size || hasher.digest("hex") !== expected.sha256) {
    throw new BackupInvalid(`${name} does not match its checksum (the file is damaged or was changed)`);
  }
}

function assertRoom(manifest: BackupManifest, dir: string): void {
  const needed = Object.values(manifest.files).reduce((sum, f) => sum + f.size, 0);
  const { bavail, bsize } = statfsSync(dir);
  const free = bavail * bsize;
  if (needed + FREE_MARGIN_BYTES > free) {
    throw new BackupInvalid(`it unpacks to ${Math.ceil(needed / 1024 ** 2)} MB and ${dir} has only ${Math.floor(free / 1024 ** 2)} MB free`);
  }
}

/** Whether the file is age-encrypted; refuses an age header too long for the library to hold safely. */
async function startsWithAge(path: string): Promise<boolean> {
  const file = await open(path, "r");
  try {
    const head = Buffer.alloc(MAX_AGE_HEADER_BYTES);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString("latin1");
    if (!text.startsWith(AGE_MAGIC)) return false;
    const end = text.indexOf("\n---");
    // The header ends with "--- <MAC>\n", the MAC 43 base64 characters: all of it within the bound.
    const macEnd = end < 0 ? -1 : text.indexOf("\n", end + 1);
    if (end < 0 || macEnd < 0 || macEnd - end > 64) {
      throw new BackupInvalid(`its age header does not end within ${MAX_AGE_HEADER_BYTES / 1024} KiB; it is not a backup this server made`);
    }
    if (text.slice(0, end).split("\n-> ").length - 1 > MAX_AGE_STANZAS) throw new BackupInvalid(`its age header names more than ${MAX_AGE_STANZAS} recipients`);
    return true;
  } finally {
    await file.close();
  }
}

/** Passes at most `cap.bytes` through (raised once the manifest says how much the archive holds). */
function byteCap(cap: { bytes: number }): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > cap.bytes) done(new BackupInvalid("it goes on past the entries its manifest lists (data after the end of the archive)"));
      else done(null, chunk);
    },
  });
}

/** The archive's gzip bytes: the file itself, or its decryption when it is age-encrypted. */
async function gzipBytes(path: string, identity: string | null): Promise<{ stream: Readable; encrypted: boolean }> {
  if (!(await startsWithAge(path))) return { stream: createReadStream(path), encrypted: false };
  if (!identity) {
    throw new BackupInvalid("it is encrypted: set BACKUP_ENCRYPTION_KEY to the age identity (AGE-SECRET-KEY-1…) whose recipient the server encrypted to");
  }
  try {
    return { stream: await decryptStream(createReadStream(path), identity), encrypted: true };
  } catch (error) {
    throw new BackupInvalid(`it cannot be decrypted with BACKUP_ENCRYPTION_KEY (${error instanceof Error ? error.message : String(error)})`);
  }
}

/**
 * Reads and checks an archive. With `into` (an existing, empty directory) each listed entry is
 * written there under its base name (state/system.duckdb → into/system.duckdb); without, only
 * verified. `identity` decrypts an age-encrypted archive.
 */
export async function readBackupArchive(path: string, into?: string, identity: string | null = null): Promise<VerifiedBackup> {
  let source: Readable | null = null;
  const extract = tar.extract();
  const gunzip = createGunzip();
  const cap = { bytes: MAX_MANIFEST_BYTES + TAR_OVERHEAD_BYTES };
  const capped = byteCap(cap);
  try {
    const input = await gzipBytes(path, identity);
    source = input.stream;
    // A chunk that fails authentication surfaces as a stream error: name it for what it is.
    source.on("error", (error) =>
      extract.destroy(input.encrypted ? new BackupInvalid(`it cannot be decrypted: it is damaged or was changed (${error.message})`) : error),
    );
    gunzip.on("error", (error) => extract.destroy(error));
    capped.on("error", (error) => extract.destroy(error));
    source
      .pipe(gunzip)
      .pipe(capped)
      .pipe(extract as unknown as NodeJS.WritableStream);
    return await readEntries(extract, into, cap);
  } catch (error) {
    if (error instanceof BackupInvalid) throw error;
    throw new BackupInvalid(`it is not a readable .tar.gz (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    source?.destroy();
    gunzip.destroy();
    capped.destroy();
    extract.destroy();
  }
}

async function readEntries(extract: tar.Extract, into: string | undefined, cap: { bytes: number }): Promise<VerifiedBackup> {
  let manifest: BackupManifest | null = null;
  const seen = new Set<string>();
  const files = new Map<string, string>();
  for await (const entry of extract) {
    const stream = entry as unknown as AsyncIterable<Buffer>;
    if (!manifest) {
      manifest = await readManifest(stream, entry.header);
      if (into) assertRoom(manifest, into);
      cap.bytes += Object.values(manifest.files).reduce((sum, file) => sum + file.size, 0);
      continue;
    }
    const expected = expectedFor(manifest, entry.header, seen);
    const target = into ? join(into, basename(entry.header.name)) : null;
    await copyEntry(stream, entry.header.name, expected, target);
    if (target) files.set(entry.header.name, target);
  }
  if (!manifest) throw new BackupInvalid("it has no manifest.json");
  for (const name of Object.keys(manifest.files)) if (!seen.has(name)) throw new BackupInvalid(`${name} is missing`);
  return { manifest, files };
}
