// The backup file checks itself: a changed byte, another format or a foreign archive is refused.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backupName, BackupInvalid, isBackupName, writeBackupArchive } from "../../src/ops/backup-archive";
import { readBackupArchive } from "../../src/ops/backup-reader";

const dir = mkdtempSync(join(tmpdir(), "agnes-archive-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const meta = { agnes_version: "0.1.0", commit: "test", created_at: new Date().toISOString(), schema_version: 3 };

async function archiveWith(files: Record<string, string>, name: string): Promise<string> {
  const path = join(dir, name);
  await Bun.Archive.write(path, files, { compress: "gzip" });
  return path;
}

test("a written archive reads back verified; a tampered database or manifest is refused", async () => {
  writeFileSync(join(dir, "db"), "database bytes");
  const good = join(dir, "good.tar.gz");
  const manifest = await writeBackupArchive(good, { databaseFile: join(dir, "db"), meta });
  expect((await readBackupArchive(good)).manifest).toEqual(manifest);

  const files = { "manifest.json": JSON.stringify(manifest), "state/system.duckdb": "database byteZ" };
  await expect(readBackupArchive(await archiveWith(files, "tampered.tar.gz"))).rejects.toThrow("does not match its checksum");
  const newer = { ...files, "state/system.duckdb": "database bytes", "manifest.json": JSON.stringify({ ...manifest, format_version: 3 }) };
  await expect(readBackupArchive(await archiveWith(newer, "newer.tar.gz"))).rejects.toThrow("this Agnes reads formats 1 to 2");
  await expect(readBackupArchive(await archiveWith({ "x.txt": "x" }, "foreign.tar.gz"))).rejects.toBeInstanceOf(BackupInvalid);
  writeFileSync(join(dir, "junk.tar.gz"), "not an archive");
  await expect(readBackupArchive(join(dir, "junk.tar.gz"))).rejects.toThrow("not a readable .tar.gz");
});

test("backup names are a fixed pattern: nothing with a path in it is one", () => {
  expect(isBackupName(backupName(new Date("2026-01-02T03:04:05.678Z")))).toBe(true);
  expect(backupName(new Date("2026-01-02T03:04:05.678Z"))).toBe("agnes-backup-20260102T030405678Z.tar.gz");
  for (const bad of ["../agnes-backup-20260102T030405678Z.tar.gz", "agnes-backup-20260102T030405678Z.tar.gz/..", ".partial-x", "a/b", ""]) {
    expect(isBackupName(bad)).toBe(false);
  }
});
