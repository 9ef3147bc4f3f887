// A database created by the first release must upgrade with every row intact.
import { afterEach, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
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

test("migration 6 stores session ids only as hashes; sessions signed in before it keep working", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "agnes-migrate-"));
  dirs.push(dataDir);
  mkdirSync(join(dataDir, "state"), { recursive: true });
  const old = await Database.open(join(dataDir, "state", "system.duckdb"));
  expect(
    await migrate(
      old,
      MIGRATIONS.filter((m) => m.version <= 5),
    ),
  ).toEqual([1, 2, 3, 4, 5]);
  const jti = randomUUID();
  const now = new Date();
  const later = new Date(now.getTime() + 86_400_000);
  await old.run(
    `INSERT INTO users (id, email, name, role, password_hash, active, created_at, updated_at)
     VALUES ('u1', 'old@example.com', '', 'admin', 'x', TRUE, $1, $1)`,
    [now],
  );
  await old.run("INSERT INTO sessions (id, user_id, created_at, expires_at, kind) VALUES ($1, 'u1', $2, $3, 'browser')", [jti, now, later]);
  const params = JSON.stringify({ session_id: jti, via: "password" });
  await old.run("INSERT INTO audit_log (id, created_at, action, target, params) VALUES ('a1', $1, 'auth.login', 'u1', $2)", [now, params]);
  await old.close();

  const t = await createTestApp({ dataDir, withAdmin: false });
  try {
    const handle = new Bun.CryptoHasher("sha256").update(jti).digest("hex");
    expect(await t.ctx.db.query("SELECT id FROM sessions")).toEqual([{ id: handle }]);
    const [entry] = await t.ctx.db.query<{ params: string }>("SELECT params FROM audit_log WHERE id = 'a1'");
    expect(JSON.parse(entry!.params)).toEqual({ session_id: handle, via: "password" });
    // A token issued before the upgrade (same key, raw jti) still signs in, named by its handle.
    const token = await t.ctx.signer.sign({ userId: "u1", jti, email: "old@example.com", role: "admin", expiresAt: later });
    const sessions = (await (await t.api("GET", "/auth/sessions", { token })).json()) as { id: string; current: boolean }[];
    expect(sessions).toEqual([expect.objectContaining({ id: handle, current: true })]);
    // The handle is not a jti: a token carrying it as its jti is refused.
    const forged = await t.ctx.signer.sign({ userId: "u1", jti: handle, email: "old@example.com", role: "admin", expiresAt: later });
    expect((await t.api("GET", "/auth/me", { token: forged })).status).toBe(401);
  } finally {
    await t.close();
  }
});
