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
    await migrate(db);
    const newest = Math.max(...MIGRATIONS.map((m) => m.version));
    const missing = Array.from({ length: newest }, (_, i) => i + 1).find((v) => !MIGRATIONS.some((m) => m.version === v))!;
    const late = { version: missing, name: "late_branch", sql: "CREATE TABLE late_branch (x INTEGER)" };
    expect(await migrate(db, [...MIGRATIONS, late])).toEqual([missing]);
    expect(await db.query("SELECT count(*) AS n FROM late_branch")).toEqual([{ n: 0 }]);
    expect(await migrate(db, [...MIGRATIONS, late])).toEqual([]);
  } finally {
    await db.close();
  }
});
