// The small rules under `da login`'s server side: user codes, client names, the pending-grant
// store's bounds, and the migration that marks existing sessions as browser sessions.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeClock } from "../../src/clock";
import { Database } from "../../src/db/database";
import { migrate } from "../../src/db/migrate";
import { MIGRATIONS } from "../../src/db/migrations";
import { clientName } from "../../src/modules/cli-auth/cli-session";
import { PendingGrants } from "../../src/modules/cli-auth/pending-grants";
import { formatUserCode, generateUserCode, normaliseUserCode, USER_CODE_ALPHABET } from "../../src/modules/cli-auth/user-code";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test("user codes: 8 letters of the alphabet, typed in any case with or without the dash", () => {
  for (let i = 0; i < 200; i++) {
    const code = generateUserCode();
    expect(code).toMatch(new RegExp(`^[${USER_CODE_ALPHABET}]{8}$`));
    expect(normaliseUserCode(formatUserCode(code).toLowerCase())).toBe(code);
    expect(normaliseUserCode(` ${code.slice(0, 4)} ${code.slice(4)} `)).toBe(code);
  }
  for (const bad of ["", "BCDF-GHJ", "BCDF-GHJKL", "ABCD-EFGH", "BCDF-GHJ0", "BCDF_GHJK"]) expect(normaliseUserCode(bad)).toBeNull();
});

test("client names are one printable line of at most 64 characters", () => {
  expect(clientName("laptop")).toBe("laptop");
  expect(clientName("a\nb\u0000c\u2028d")).toBe("abcd");
  expect(clientName("  x   y  ")).toBe("x y");
  expect(clientName("h".repeat(100))).toHaveLength(64);
  expect(clientName(undefined)).toBe("unknown host");
});

test("pending grants are bounded: per user, per address, and expired ones make room", () => {
  const clock = new FakeClock();
  const grants = new PendingGrants(clock);
  const loopback = (n: number) =>
    grants.addLoopback(`code-${n}`, { userId: "u1", approvedBy: "s1", challenge: "c", client: "x", expiresAt: grants.now() + 120_000 });
  for (let i = 0; i < 10; i++) loopback(i);
  expect(() => loopback(10)).toThrow("Too many sign-ins for da are waiting");
  clock.advance(120_000);
  loopback(11); // the expired ones were dropped
  expect(grants.takeLoopback("code-11")).toBeDefined();
  expect(grants.takeLoopback("code-11")).toBeUndefined();

  const device = (n: number) =>
    grants.addDevice(`device-${n}`, `USERCODE${n}`, {
      client: "x",
      ip: "198.51.100.7",
      expiresAt: grants.now() + 300_000,
      intervalS: 5,
      lastPollAt: null,
      status: "pending",
      userId: null,
    });
  for (let i = 0; i < 20; i++) expect(device(i)).toBe(true);
  expect(() => device(20)).toThrow("Too many device sign-ins are waiting");
  // Expired grants stay a little longer (a late poll hears expired_token) but no longer count
  // against the address's or the server's limits: a flood cannot keep device sign-in full.
  clock.advance(300_000);
  expect(grants.device("device-0")).toBeDefined();
  for (let i = 21; i < 41; i++) expect(device(i)).toBe(true);
});

test("migration 5 keeps every session and marks the existing ones as browser sessions", async () => {
  const dir = mkdtempSync(join(tmpdir(), "agnes-migrate-"));
  dirs.push(dir);
  mkdirSync(join(dir, "state"));
  const db = await Database.open(join(dir, "state", "system.duckdb"));
  await migrate(
    db,
    MIGRATIONS.filter((m) => m.version <= 3),
  );
  const at = new Date("2026-01-02T03:04:05.000Z");
  await db.run("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ('s1', 'u1', $1, $1)", [at]);
  expect(await migrate(db)).toContain(5);
  expect(await db.query("SELECT id, kind, name FROM sessions")).toEqual([{ id: "s1", kind: "browser", name: null }]);
  await db.close();
});
