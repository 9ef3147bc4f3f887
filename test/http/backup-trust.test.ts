// A backup is not a master key (issue 20, part 4): opened by hand it yields nothing that signs in,
// a PAT can neither make nor fetch one, and every download leaves an audit entry.
import { afterEach, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SignJWT } from "jose";
import { Database } from "../../src/db/database";
import type { BackupInfo } from "../../src/shared/contract";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
afterEach(async () => t?.close());

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

/** Every way to sign a session from what is in the backup: each file's text as the key, each session row as the session. */
async function forgeries(dir: string, db: string): Promise<string[]> {
  const copy = await Database.open(db);
  const sessions = await copy.query<{ id: string; user_id: string }>("SELECT id, user_id FROM sessions");
  const users = await copy.query<{ id: string; email: string }>("SELECT id, email FROM users");
  await copy.close();
  expect(sessions.length).toBeGreaterThanOrEqual(2);
  const keys = filesUnder(dir)
    .filter((path) => path !== db)
    .flatMap((path) => {
      const text = readFileSync(path, "utf8");
      return [text, text.trim()];
    });
  const tokens: string[] = [];
  for (const key of keys) {
    for (const s of sessions) {
      const email = users.find((u) => u.id === s.user_id)?.email;
      tokens.push(
        await new SignJWT({ email, role: "admin", typ: "session" })
          .setProtectedHeader({ alg: "HS256", typ: "JWT" })
          .setSubject(s.user_id)
          .setJti(s.id)
          .setIssuedAt()
          .setExpirationTime("1h")
          .sign(new TextEncoder().encode(key)),
      );
    }
  }
  return tokens;
}

test("a backup opened by hand yields no usable session: no key in it, and its session ids do not sign in", async () => {
  t = await createTestApp();
  const admin = await t.login();
  await t.createUser("ana@example.com", "password-ana-1");
  const ana = await t.login("ana@example.com", "password-ana-1");
  const made = (await (await t.api("POST", "/api/admin/backups", { token: admin })).json()) as BackupInfo;
  const dl = await t.api("GET", `/api/admin/backups/${made.name}`, { token: admin });
  const archive = join(t.dataDir, "stolen.tar.gz");
  writeFileSync(archive, new Uint8Array(await dl.arrayBuffer()));
  const out = join(t.dataDir, "opened");
  mkdirSync(out);
  const untar = Bun.spawnSync(["tar", "-xzf", archive, "-C", out]);
  expect(untar.exitCode).toBe(0);

  const forged = await forgeries(out, join(out, "state", "system.duckdb"));
  expect(forged.length).toBeGreaterThan(0);
  for (const token of forged) expect((await t.api("GET", "/auth/me", { token })).status).toBe(401);
  const files = filesUnder(out)
    .map((path) => path.slice(out.length + 1))
    .sort();
  expect(files).toEqual(["manifest.json", "state/system.duckdb"]);
  const secret = Buffer.from(t.ctx.config.jwtSecret);
  for (const path of filesUnder(out)) expect(readFileSync(path).includes(secret)).toBe(false);
  // Even someone who also stole the signing key gets nothing from the session ids in a backup.
  const withRealKey = await reSign(out, t.ctx.config.jwtSecret);
  for (const token of withRealKey) expect((await t.api("GET", "/auth/me", { token })).status).toBe(401);
  // The live sessions still work: nothing was ended, the backup just cannot open them.
  expect((await t.api("GET", "/auth/me", { token: ana })).status).toBe(200);
});

async function reSign(dir: string, key: string): Promise<string[]> {
  const copy = await Database.open(join(dir, "state", "system.duckdb"));
  const sessions = await copy.query<{ id: string; user_id: string }>("SELECT id, user_id FROM sessions");
  await copy.close();
  return Promise.all(
    sessions.map((s) =>
      new SignJWT({ role: "admin", typ: "session" })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(s.user_id)
        .setJti(s.id)
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(new TextEncoder().encode(key)),
    ),
  );
}

test("creating and downloading a backup need an admin session: a PAT gets 403; listing and deleting stay open to it", async () => {
  t = await createTestApp();
  const session = await t.login();
  const pat = ((await (await t.api("POST", "/auth/tokens", { token: session, body: { name: "ops" } })).json()) as { token: string }).token;
  const refused = await t.api("POST", "/api/admin/backups", { token: pat });
  expect(refused.status).toBe(403);
  expect(((await refused.json()) as { detail: string }).detail).toBe(
    "This needs a signed-in session (the browser or da login); a personal access token cannot create or download backups",
  );
  expect(t.ctx.backups.list()).toEqual([]);
  const made = (await (await t.api("POST", "/api/admin/backups", { token: session })).json()) as BackupInfo;
  const download = await t.api("GET", `/api/admin/backups/${made.name}`, { token: pat });
  expect(download.status).toBe(403);
  expect(download.headers.get("content-type")).toContain("application/json");
  expect((await t.api("GET", `/api/admin/backups/${made.name}`, { token: session })).status).toBe(200);
  expect((await t.api("GET", "/api/admin/backups", { token: pat })).status).toBe(200);
  expect((await t.api("DELETE", `/api/admin/backups/${made.name}`, { token: pat })).status).toBe(204);
});

test("every download is audited with the backup's name and size, from the API and the page", async () => {
  t = await createTestApp();
  const token = await t.login();
  const made = (await (await t.api("POST", "/api/admin/backups", { token })).json()) as BackupInfo;
  expect((await t.api("GET", `/api/admin/backups/${made.name}`, { token })).status).toBe(200);
  const b = await t.browser();
  expect((await b.get(`/admin/backups/${made.name}/download`)).status).toBe(200);
  const audit = (await (await t.api("GET", "/api/audit?action=backup.downloaded", { token })).json()) as {
    action: string;
    actor_email: string;
    target: string;
    params: Record<string, unknown>;
  }[];
  expect(audit).toHaveLength(2);
  for (const entry of audit) {
    expect(entry).toMatchObject({
      action: "backup.downloaded",
      actor_email: "admin@example.com",
      target: made.name,
      params: { name: made.name, size: made.size },
    });
  }
  // A refused or unknown download is not one.
  expect((await t.api("GET", "/api/admin/backups/agnes-backup-20200101T000000000Z.tar.gz", { token })).status).toBe(404);
  expect(((await (await t.api("GET", "/api/audit?action=backup.downloaded", { token })).json()) as unknown[]).length).toBe(2);
});
