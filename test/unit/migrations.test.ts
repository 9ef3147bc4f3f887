// A database created by the first release must upgrade with every row intact.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../../src/db/database";
import { migrate } from "../../src/db/migrate";
import { MIGRATIONS } from "../../src/db/migrations";
import { createTestApp } from "../helpers/app";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test("a version-1 database migrates to the latest with rows intact, and the app runs on it", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "agnes-migrate-"));
  dirs.push(dataDir);
  mkdirSync(join(dataDir, "state"), { recursive: true });
  const old = await Database.open(join(dataDir, "state", "system.duckdb"));
  expect(await migrate(old, MIGRATIONS.slice(0, 1))).toEqual([1]);
  const hash = await Bun.password.hash("old-user-password");
  const now = new Date("2025-01-02T03:04:05.000Z");
  await old.run(
    `INSERT INTO users (id, email, name, role, password_hash, active, created_at, updated_at) VALUES
     ('u1', 'old@example.com', 'Old Admin', 'admin', $1, TRUE, $2, $2),
     ('u2', 'analyst@example.com', 'Ann', 'analyst', $1, FALSE, $2, $2)`,
    [hash, now],
  );
  await old.run("INSERT INTO audit_log (id, created_at, action, target, params) VALUES ('a1', $1, 'user.create', 'u1', '{}')", [now]);
  await old.close();

  const t = await createTestApp({ dataDir, withAdmin: false });
  try {
    const versions = await t.ctx.db.query<{ version: number }>("SELECT version FROM schema_version ORDER BY version");
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const users = await t.ctx.db.query<{ id: string; email: string; active: boolean; created_at: Date }>(
      "SELECT id, email, active, created_at FROM users ORDER BY id",
    );
    expect(users).toEqual([
      { id: "u1", email: "old@example.com", active: true, created_at: now },
      { id: "u2", email: "analyst@example.com", active: false, created_at: now },
    ]);
    expect((await t.ctx.db.query("SELECT id FROM audit_log WHERE id = 'a1'")).length).toBe(1);
    const res = await t.api("POST", "/auth/token", { body: { email: "old@example.com", password: "old-user-password" } });
    expect(res.status).toBe(200);
    expect(await t.ctx.db.query("SELECT id FROM personal_access_tokens")).toEqual([]);
  } finally {
    await t.close();
  }
});

test("migrating twice applies nothing the second time", async () => {
  const dir = mkdtempSync(join(tmpdir(), "agnes-migrate-"));
  dirs.push(dir);
  const db = await Database.open(join(dir, "x.duckdb"));
  expect((await migrate(db)).length).toBe(MIGRATIONS.length);
  expect(await migrate(db)).toEqual([]);
  await db.close();
});

test("a failing migration rolls back and records nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "agnes-migrate-"));
  dirs.push(dir);
  const db = await Database.open(join(dir, "x.duckdb"));
  const broken = [...MIGRATIONS.slice(0, 1), { version: 2, name: "broken", sql: "CREATE TABLE ok_table (x INTEGER); CREATE TABLE broken (" }];
  await expect(migrate(db, broken)).rejects.toThrow();
  const versions = await db.query<{ version: number }>("SELECT version FROM schema_version");
  expect(versions.map((v) => v.version)).toEqual([1]);
  expect((await db.query<{ n: number }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'ok_table'"))[0]!.n).toBe(0);
  await db.close();
});
