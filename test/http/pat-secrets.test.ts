// The raw token appears in the create response and nowhere else: not in any file under DATA_DIR
// (database, WAL, audit trail, keys), not in the server log. The scan searches bytes, and proves
// it can see into the database file by finding the token's hash there.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestApp } from "../helpers/app";
import { startServer } from "../helpers/server";
import { hashSecret } from "../../src/auth/pat-format";

// Each test hashes passwords (argon2id, ~80 ms each) and opens DuckDB; a busy machine needs headroom.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "agnes-pat-scan-"));
  dirs.push(dir);
  return dir;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Files under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle);
  return filesUnder(dir).filter((file) => readFileSync(file).includes(bytes));
}

describe("the raw token is stored nowhere", () => {
  test("in-process app: not in DATA_DIR after flush and close, not in the log; the hash is in the database", async () => {
    const dataDir = newDataDir();
    const t = await createTestApp({ dataDir });
    const session = await t.login();
    const created = await t.api("POST", "/auth/tokens", { token: session, body: { name: "scan-me", expires_in_days: null } });
    const { id, token } = (await created.json()) as { id: string; token: string };
    const other = (await (await t.api("POST", "/auth/tokens", { token: session, body: { name: "revoke-me" } })).json()) as { id: string; token: string };
    expect((await t.api("GET", "/auth/me", { token })).status).toBe(200);
    expect((await t.api("GET", "/auth/me?token=" + "x", { token })).status).toBe(200);
    expect((await t.api("DELETE", `/auth/tokens/${other.id}`, { token: session })).status).toBe(204);
    expect((await t.api("GET", "/auth/me", { token: other.token })).status).toBe(401);
    expect((await t.api("GET", "/auth/tokens", { token })).status).toBe(403);
    await t.ctx.activity.flush();
    const [row] = await t.ctx.db.query<{ last_used_at: Date | null }>("SELECT last_used_at FROM personal_access_tokens WHERE id = $1", [id]);
    expect(row?.last_used_at).toBeInstanceOf(Date);
    await t.close();

    expect(filesUnder(dataDir).length).toBeGreaterThan(0);
    expect(filesContaining(dataDir, hashSecret(token)).length).toBeGreaterThan(0);
    for (const secret of [token, other.token]) {
      expect(filesContaining(dataDir, secret)).toEqual([]);
      expect(filesContaining(dataDir, secret.slice(10))).toEqual([]);
      expect(t.log.lines.filter((line) => line.includes(secret))).toEqual([]);
    }
    expect(t.log.lines.some((line) => line.includes("/auth/me"))).toBe(true);
  });

  test("real server: not in DATA_DIR after a clean stop, not in its stdout/stderr", async () => {
    const dataDir = newDataDir();
    const server = await startServer({ dataDir, env: { AGNES_ADMIN_EMAIL: "admin@example.com", AGNES_ADMIN_PASSWORD: "admin-password-1" } });
    let token = "";
    try {
      const login = await fetch(`${server.url}/auth/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "admin@example.com", password: "admin-password-1" }),
      });
      const session = ((await login.json()) as { access_token: string }).access_token;
      const created = await fetch(`${server.url}/auth/tokens`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${session}` },
        body: JSON.stringify({ name: "server-scan" }),
      });
      expect(created.status).toBe(201);
      token = ((await created.json()) as { token: string }).token;
      const me = await fetch(`${server.url}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await me.json()) as { auth: string }).auth).toBe("pat");
    } finally {
      await server.stop();
    }
    expect(token).not.toBe("");
    // A clean stop flushes last_used_at and closes DuckDB, so everything is on disk now.
    expect(filesContaining(dataDir, hashSecret(token)).length).toBeGreaterThan(0);
    expect(filesContaining(dataDir, token)).toEqual([]);
    expect(server.logs()).toContain("/auth/me");
    expect(server.logs()).not.toContain(token);
    expect(server.logs()).not.toContain(token.slice(10));
  });
});
