// Branches land out of numeric order (011 before 009 and 010): a database that already has 011 must
// still get 009 when it ships, rather than skipping every version below its newest.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../../src/db/database";
import { migrate } from "../../src/db/migrate";
import { MIGRATIONS } from "../../src/db/migrations";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test("a migration numbered below the newest applied one still runs, once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "agnes-migrate-order-"));
  dirs.push(dir);
  const db = await Database.open(join(dir, "x.duckdb"));
  try {
    // A branch numbered newest + 2 lands first; the one numbered newest + 1 lands after it.
    const newest = Math.max(...MIGRATIONS.map((m) => m.version));
    const ahead = { version: newest + 2, name: "ahead_branch", sql: "CREATE TABLE ahead_branch (x INTEGER)" };
    const late = { version: newest + 1, name: "late_branch", sql: "CREATE TABLE late_branch (x INTEGER)" };
    await migrate(db, [...MIGRATIONS, ahead]);
    expect(await migrate(db, [...MIGRATIONS, ahead, late])).toEqual([late.version]);
    expect(await db.query("SELECT count(*) AS n FROM late_branch")).toEqual([{ n: 0 }]);
    expect(await migrate(db, [...MIGRATIONS, ahead, late])).toEqual([]);
  } finally {
    await db.close();
  }
});
