// The database layer on a real full tmpfs. DuckDB invalidates its whole instance when a checkpoint
// fails for lack of space ("COMMIT succeeded and is durable, but the autocheckpoint failed"); the
// layer must count that write as done, reopen the instance so reads go on, refuse later writes with
// StorageUnavailable, write again once space returns, and lose nothing it acknowledged.
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { truncateSync, statSync } from "node:fs";
import { Database } from "../../src/db/database";
import { StorageUnavailable } from "../../src/db/storage";
import { createMemoryLogger } from "../../src/log";
import { mountTmpfs, type SmallDisk } from "../helpers/small-disk";

let disk: SmallDisk | null = null;
afterAll(() => disk?.unmount());

const events = (lines: string[], name: string) => lines.filter((l) => l.includes(`"event":"${name}"`));

test("a checkpoint that fails on a full disk: the write counts, the instance is reopened, nothing acknowledged is lost", async () => {
  disk = mountTmpfs(16);
  const path = join(disk.dir, "system.duckdb");
  const log = createMemoryLogger();
  // No free-space floor here: this test is about what DuckDB itself does when the disk fills (the
  // table has no index, so a failed COMMIT reverts safely; see docs/architecture.md).
  let db = await Database.open(path, { minFreeBytes: 0 });
  db.storage.log = log;
  await db.run("CREATE TABLE t (id INTEGER, s VARCHAR)");
  await db.run("INSERT INTO t SELECT i, repeat('q', 300) FROM range(10000) r(i)");
  await db.run("CHECKPOINT");
  // Checkpoint after every ~20 KB of WAL, so one comes due while the disk is full (the default is 16 MB).
  await db.run("SET wal_autocheckpoint = '20KB'");

  disk.fill();
  truncateSync(join(disk.dir, "filler"), statSync(join(disk.dir, "filler")).size - 40 * 1024); // room for the WAL, not for a checkpoint
  const acked: number[] = [];
  let refused = 0;
  for (let i = 0; i < 200 && refused < 3; i++) {
    try {
      await db.transaction((tx) => tx.run("INSERT INTO t VALUES ($1, repeat('p', 500))", [100_000 + i]));
      acked.push(100_000 + i);
    } catch (error) {
      expect(error).toBeInstanceOf(StorageUnavailable);
      refused++;
    }
  }
  expect(refused).toBe(3);
  expect(events(log.lines, "db.reopened").length).toBeGreaterThan(0); // the checkpoint failed and the instance came back
  // One line when an episode starts, one when a write works again: never one per refused write.
  expect(events(log.lines, "storage.unavailable")).toHaveLength(events(log.lines, "storage.recovered").length + 1);
  expect(log.lines.at(-1)).toContain('"event":"storage.unavailable"');

  // Reads go on while writes are refused.
  const rows = await db.query<{ n: number }>("SELECT count(*) AS n FROM t WHERE id >= 100000");
  expect(rows[0]?.n).toBe(acked.length);
  await expect(db.run("INSERT INTO t VALUES (1, repeat('x', 8192))")).rejects.toBeInstanceOf(StorageUnavailable);

  disk.free();
  await db.transaction((tx) => tx.run("INSERT INTO t VALUES (999999, 'after')"));
  acked.push(999_999);
  expect(log.lines.at(-1)).toContain('"event":"storage.recovered"');
  await db.close();

  db = await Database.open(path, { minFreeBytes: 0 });
  const ids = (await db.query<{ id: number }>("SELECT id FROM t WHERE id >= 100000 ORDER BY id")).map((r) => r.id);
  expect(ids).toEqual(acked);
  await db.close();
});

test("with the free-space floor, a write on a full disk is refused before it starts and the data stays readable", async () => {
  const small = mountTmpfs(16);
  try {
    const db = await Database.open(join(small.dir, "system.duckdb"));
    await db.run("CREATE TABLE u (id VARCHAR PRIMARY KEY, name VARCHAR)");
    await db.run("INSERT INTO u VALUES ('a', 'Ana')");
    expect(db.writeBlocked()).toBeNull();
    small.fill();
    expect(db.writeBlocked()).toBeInstanceOf(StorageUnavailable);
    // The server's PATCH path (an UPDATE of a keyed row): refused before BEGIN, never a failed COMMIT.
    await expect(db.transaction((tx) => tx.run("UPDATE u SET name = 'Refused' WHERE id = 'a'"))).rejects.toBeInstanceOf(StorageUnavailable);
    expect(await db.query<{ name: string }>("SELECT name FROM u")).toEqual([{ name: "Ana" }]);
    small.free();
    expect(db.writeBlocked()).toBeNull();
    await db.transaction((tx) => tx.run("UPDATE u SET name = 'Ana Again' WHERE id = 'a'"));
    expect(await db.query<{ name: string }>("SELECT name FROM u")).toEqual([{ name: "Ana Again" }]);
    await db.close();
  } finally {
    small.unmount();
  }
});
