// Builds backup archives that lie, for the restore tests. Tar headers come from tar-stream (never
// hand-made); the gzip side uses multi-member gzip (RFC 1952 allows concatenated members, zlib and
// libarchive read them): a run of zeros is one small member repeated, so a 1 GiB entry costs about
// 1 MB on disk and no time to compress — the shape of the "3 MB archive, 4.3 GB in memory" report.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import * as tar from "tar-stream";

export type FakeEntry = { name: string; body?: string | Uint8Array; zeros?: number; type?: tar.Header["type"]; linkname?: string; size?: number };

const ZEROS = Buffer.alloc(1024 * 1024);

export function sha256(bytes: string | Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A manifest of the current format listing `files` (name → bytes), as restore expects it. */
export function manifestFor(files: Record<string, string | Uint8Array>, extra: Record<string, unknown> = {}): string {
  const listed = Object.fromEntries(Object.entries(files).map(([name, body]) => [name, { size: Buffer.byteLength(body), sha256: sha256(body) }]));
  return JSON.stringify({
    format: "agnes-backup",
    format_version: 2,
    agnes_version: "0.1.0",
    commit: "test",
    created_at: new Date().toISOString(),
    schema_version: 1,
    files: listed,
    ...extra,
  });
}

/** Writes a .tar.gz with exactly these entries, in order. */
export async function writeArchive(path: string, entries: FakeEntry[]): Promise<void> {
  const pack = tar.pack();
  const members: Buffer[] = [];
  const zeroMembers = new Map<number, Buffer>();
  const collected = (async () => {
    for await (const chunk of pack as unknown as AsyncIterable<Buffer>) {
      if (chunk.length <= ZEROS.length && chunk.equals(ZEROS.subarray(0, chunk.length))) {
        if (!zeroMembers.has(chunk.length)) zeroMembers.set(chunk.length, gzipSync(chunk));
        members.push(zeroMembers.get(chunk.length)!);
      } else {
        members.push(gzipSync(chunk));
      }
    }
  })();
  for (const e of entries) await addEntry(pack, e);
  pack.finalize();
  await collected;
  writeFileSync(path, Buffer.concat(members));
}

function addEntry(pack: tar.Pack, e: FakeEntry): Promise<void> {
  const type = e.type ?? "file";
  if (type !== "file" || e.zeros === undefined) {
    return new Promise((resolve, reject) => {
      const header = { name: e.name, type, linkname: e.linkname, mode: 0o644, ...(e.size === undefined ? {} : { size: e.size }) };
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (type === "file") pack.entry(header, Buffer.from(e.body ?? ""), done);
      else pack.entry(header, done).end(null);
    });
  }
  return new Promise((resolve, reject) => {
    const entry = pack.entry({ name: e.name, size: e.zeros, mode: 0o644 }, (error) => (error ? reject(error) : resolve()));
    let left = e.zeros!;
    const more = () => {
      while (left > 0) {
        const n = Math.min(left, ZEROS.length);
        left -= n;
        if (!entry.write(ZEROS.subarray(0, n))) return void entry.once("drain", more);
      }
      entry.end(null);
    };
    more();
  });
}
