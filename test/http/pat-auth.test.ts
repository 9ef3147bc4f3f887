// Authenticating with a personal access token: what works, what is refused, and last_used_at.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestApp, type TestApp } from "../helpers/app";
import { generatePat, PAT_PREFIX } from "../../src/auth/pat-format";

// Each test hashes passwords (argon2id, ~80 ms each) and opens DuckDB; a busy machine needs headroom.

let t: TestApp;
let admin: string;
beforeEach(async () => {
  t = await createTestApp();
  admin = await t.login();
});
afterEach(() => t.close());

async function pat(session: string, body: Record<string, unknown> = { name: "ci" }): Promise<{ id: string; token: string }> {
  const res = await t.api("POST", "/auth/tokens", { token: session, body });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; token: string };
}

const status = async (token: string, path = "/auth/me") => (await t.api("GET", path, { token })).status;

/** Replaces the character at `index` with a different base62 character. */
function changeChar(token: string, index: number): string {
  const i = index < 0 ? token.length + index : index;
  const replacement = token[i] === "A" ? "B" : "A";
  return token.slice(0, i) + replacement + token.slice(i + 1);
}

describe("a valid PAT", () => {
  test("GET /auth/me reports auth: pat and the token id", async () => {
    const { id, token } = await pat(admin);
    const res = await t.api("GET", "/auth/me", { token });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ email: "admin@example.com", role: "admin", auth: "pat", token_id: id });
  });

  test("a demoted user's old PAT carries the new role", async () => {
    const anaId = await t.createUser("ana@example.com", "ana-password-1", "admin");
    const ana = await t.login("ana@example.com", "ana-password-1");
    const { token } = await pat(ana);
    expect(await status(token, "/auth/admin/tokens")).toBe(200);
    const demoted = await t.api("PATCH", `/api/users/${anaId}`, { token: admin, body: { role: "viewer" } });
    expect(demoted.status).toBe(200);
    expect(await status(token, "/auth/admin/tokens")).toBe(403);
    const me = await (await t.api("GET", "/auth/me", { token })).json();
    expect(me.role).toBe("viewer");
  });
});

describe("refused with 401", () => {
  test("tampered (one character changed), checksum-broken, truncated, unknown, malformed", async () => {
    const { token } = await pat(admin);
    expect(await status(token)).toBe(200);
    const variants = {
      tamperedSecret: changeChar(token, PAT_PREFIX.length + 5),
      tamperedPrefix: `agnes_pat-${token.slice(PAT_PREFIX.length)}`,
      checksumBroken: changeChar(token, -1),
      truncated: token.slice(0, -1),
      truncatedHalf: token.slice(0, 24),
      extended: `${token}A`,
      unknownButWellFormed: generatePat(),
      prefixOnly: PAT_PREFIX,
      malformed: `${PAT_PREFIX}${"!".repeat(38)}`,
      lowercased: token.toLowerCase(),
    };
    for (const [kind, bad] of Object.entries(variants)) {
      const res = await t.api("GET", "/auth/me", { token: bad });
      expect({ kind, status: res.status }).toEqual({ kind, status: 401 });
      expect(Object.keys(await res.json())).toEqual(["detail"]);
    }
  });

  test("JWT-shaped bearers: a forged one, an unsigned one, and a session token with a changed signature", async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const me = await (await t.api("GET", "/auth/me", { token: admin })).json();
    const claims = { sub: me.id, email: me.email, role: "admin", typ: "session", jti: "x", iat: 1, exp: 4_102_444_800 };
    const bearers = [
      `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}.${"A".repeat(43)}`,
      `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`,
      changeChar(admin, -3),
      "eyJhbGciOiJIUzI1NiJ9",
    ];
    for (const bearer of bearers) expect(await status(bearer)).toBe(401);
    expect(await status(admin)).toBe(200);
  });

  test("a PAT in the access_token cookie is not accepted", async () => {
    const { token } = await pat(admin);
    const res = await t.handle("/auth/me", { headers: { accept: "application/json", cookie: `access_token=${token}` } });
    expect(res.status).toBe(401);
  });

  test("revoked", async () => {
    const { id, token } = await pat(admin);
    expect(await status(token)).toBe(200);
    expect((await t.api("DELETE", `/auth/tokens/${id}`, { token: admin })).status).toBe(204);
    expect(await status(token)).toBe(401);
  });

  test("expired (fake clock)", async () => {
    const { token } = await pat(admin, { name: "week", expires_in_days: 7 });
    t.clock.advance(7 * 86_400_000 - 60_000);
    expect(await status(token)).toBe(200);
    t.clock.advance(60_000);
    expect(await status(token)).toBe(401);
  });

  test("owner deactivated (through the users API) → 401; reactivated → works again", async () => {
    const anaId = await t.createUser("ana@example.com", "ana-password-1");
    const ana = await t.login("ana@example.com", "ana-password-1");
    const { token } = await pat(ana);
    expect(await status(token)).toBe(200);
    expect((await t.api("POST", `/api/users/${anaId}/deactivate`, { token: admin })).status).toBe(200);
    expect(await status(token)).toBe(401);
    expect((await t.api("POST", `/api/users/${anaId}/activate`, { token: admin })).status).toBe(200);
    expect(await status(token)).toBe(200);
  });

  test("owner deleted → 401", async () => {
    const anaId = await t.createUser("ana@example.com", "ana-password-1");
    const ana = await t.login("ana@example.com", "ana-password-1");
    const { token } = await pat(ana);
    expect((await t.api("DELETE", `/api/users/${anaId}`, { token: admin })).status).toBe(204);
    expect(await status(token)).toBe(401);
  });
});

describe("last_used_at", () => {
  test("a use the server sees without an address (an error page's look-up) keeps the last known address", async () => {
    await t.close();
    t = await createTestApp({ env: { TRUST_PROXY: "1" } });
    admin = await t.login();
    const { id, token } = await pat(admin);
    const fromProxy = { authorization: `Bearer ${token}`, "x-forwarded-for": "203.0.113.7" };
    expect((await t.handle("/auth/me", { headers: fromProxy })).status).toBe(200);
    await t.ctx.activity.flush();
    t.clock.advance(5_000);
    expect((await t.handle("/no-such-page", { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    await t.ctx.activity.flush();
    const [row] = await t.ctx.db.query<{ last_used_ip: string | null }>("SELECT last_used_ip FROM personal_access_tokens WHERE id = $1", [id]);
    expect(row!.last_used_ip).toBe("203.0.113.7");
  });

  test("shown at once from memory, written to the database only when the recorder flushes", async () => {
    const { id, token } = await pat(admin);
    const dbLastUsed = async () =>
      (
        await t.ctx.db.query<{ last_used_at: Date | null; last_used_ip: string | null }>(
          "SELECT last_used_at, last_used_ip FROM personal_access_tokens WHERE id = $1",
          [id],
        )
      )[0]!;
    const before = await (await t.api("GET", `/auth/tokens/${id}`, { token: admin })).json();
    expect(before.last_used_at).toBeNull();

    t.clock.advance(5_000);
    const usedAt = t.clock.now().toISOString();
    for (let i = 0; i < 20; i++) expect(await status(token)).toBe(200);
    // Twenty authenticated requests, and no database write: the row is untouched until the flush.
    expect((await dbLastUsed()).last_used_at).toBeNull();
    const pending = await (await t.api("GET", `/auth/tokens/${id}`, { token: admin })).json();
    expect(pending.last_used_at).toBe(usedAt);
    const listed = await (await t.api("GET", "/auth/admin/tokens", { token: admin })).json();
    expect(listed[0].last_used_at).toBe(usedAt);

    await t.ctx.activity.flush();
    expect((await dbLastUsed()).last_used_at?.toISOString()).toBe(usedAt);
    const after = await (await t.api("GET", `/auth/tokens/${id}`, { token: admin })).json();
    expect(after.last_used_at).toBe(usedAt);
  });
});

describe("after a restart", () => {
  test("live tokens still work, revoked ones stay refused, last_used_at survives", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "agnes-pat-restart-"));
    const first = await createTestApp({ dataDir });
    const session = await first.login();
    const make = async (name: string) =>
      (await (await first.api("POST", "/auth/tokens", { token: session, body: { name } })).json()) as { id: string; token: string };
    const live = await make("live");
    const gone = await make("gone");
    await first.api("DELETE", `/auth/tokens/${gone.id}`, { token: session });
    expect((await first.api("GET", "/auth/me", { token: live.token })).status).toBe(200);
    await first.close();

    const second = await createTestApp({ dataDir });
    try {
      expect((await second.api("GET", "/auth/me", { token: live.token })).status).toBe(200);
      expect((await second.api("GET", "/auth/me", { token: gone.token })).status).toBe(401);
      const [row] = await second.ctx.db.query<{ last_used_at: Date | null }>("SELECT last_used_at FROM personal_access_tokens WHERE id = $1", [live.id]);
      expect(row?.last_used_at).toBeInstanceOf(Date);
    } finally {
      await second.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
