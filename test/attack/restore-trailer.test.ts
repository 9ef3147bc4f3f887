// Attacker pass on issue 20 (class 3): restore refuses unlisted entries from their header, but keeps
// decompressing whatever follows the tar's end: runs of zero blocks are skipped one 512-byte block
// at a time and the archive is then ACCEPTED. A 2 MB archive (its two listed entries, then 2 GiB of
// zeros as repeated gzip members) takes about 11 s of CPU to read; a 100 MB one would stall restore
// for about nine minutes. Memory stays flat, so this is a stall, not a bomb.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as tar from "tar-stream";
import { readBackupArchive } from "../../src/ops/backup-reader";
import { manifestFor } from "../helpers/hostile-archive";

const dir = mkdtempSync(join(tmpdir(), "agnes-trailer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function goodTar(): Promise<Buffer> {
  const db = "database bytes";
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  pack.entry({ name: "manifest.json" }, manifestFor({ "state/system.duckdb": db }));
  pack.entry({ name: "state/system.duckdb" }, db);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

test("2 GiB of zeros after the tar's end (a 2 MB file) does not keep restore busy", async () => {
  const zeros = gzipSync(Buffer.alloc(1024 * 1024));
  const path = join(dir, "trailer.tar.gz");
  writeFileSync(path, Buffer.concat([gzipSync(await goodTar()), ...Array.from({ length: 2048 }, () => zeros)]));
  const started = performance.now();
  await readBackupArchive(path).catch(() => undefined);
  expect(performance.now() - started).toBeLessThan(3_000);
});
