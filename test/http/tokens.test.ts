// The token API: /auth/tokens (own, session only) and /auth/admin/tokens (admins).
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { hashSecret, isWellFormedPat, PAT_PREFIX } from "../../src/auth/pat-format";

// Each test hashes passwords (argon2id, ~80 ms each) and opens DuckDB; a busy machine needs headroom.

let t: TestApp;
let admin: string;
beforeEach(async () => {
  t = await createTestApp();
  admin = await t.login();
});
afterEach(() => t.close());

async function create(token: string, body: unknown) {
  const res = await t.api("POST", "/auth/tokens", { token, body });
  return { res, body: (await res.json()) as Record<string, unknown> };
}

async function pat(session: string, name = "ci"): Promise<{ id: string; token: string }> {
  const { res, body } = await create(session, { name });
  expect(res.status).toBe(201);
  return body as { id: string; token: string };
}

describe("POST /auth/tokens", () => {
  test("201 with the raw token once; 8-char prefix from the id; 90 days by default", async () => {
    const { res, body } = await create(admin, { name: "  laptop  " });
    expect(res.status).toBe(201);
    expect(Object.keys(body).sort()).toEqual(["allowed_cidrs", "created_at", "expires_at", "id", "name", "prefix", "scopes", "token"]);
    expect(body.name).toBe("laptop");
    const token = body.token as string;
    expect(token.startsWith(PAT_PREFIX)).toBe(true);
    expect(isWellFormedPat(token)).toBe(true);
    expect(body.id as string).toMatch(/^[0-9a-f]{32}$/);
    expect(body.prefix).toBe((body.id as string).slice(0, 8));
    expect(body.prefix as string).toHaveLength(8);
    expect(body.prefix).not.toStartWith("eyJ");
    expect(token).not.toContain(body.prefix as string);
    const days = (new Date(body.expires_at as string).getTime() - new Date(body.created_at as string).getTime()) / 86_400_000;
    expect(days).toBe(90);
  });

  test("list and get never contain the token or its hash", async () => {
    const { id, token } = await pat(admin);
    for (const path of ["/auth/tokens", `/auth/tokens/${id}`, "/auth/admin/tokens"]) {
      const res = await t.api("GET", path, { token: admin });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain(id);
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.slice(PAT_PREFIX.length, PAT_PREFIX.length + 16));
      expect(text).not.toContain(hashSecret(token));
    }
    const one = await (await t.api("GET", `/auth/tokens/${id}`, { token: admin })).json();
    expect(Object.keys(one).sort()).toEqual(["allowed_cidrs", "created_at", "expires_at", "id", "last_used_at", "name", "prefix", "revoked_at", "scopes"]);
  });

  test("empty or blank name → 400; name over 100 characters → 400; missing name → 422", async () => {
    expect((await create(admin, { name: "" })).res.status).toBe(400);
    const blank = await create(admin, { name: "   " });
    expect(blank.res.status).toBe(400);
    expect(blank.body.detail).toContain("name");
    expect((await create(admin, { name: "x".repeat(101) })).res.status).toBe(400);
    expect((await create(admin, { name: "x".repeat(100) })).res.status).toBe(201);
    expect((await create(admin, {})).res.status).toBe(422);
  });

  test.each([
    [0, 400],
    [-1, 400],
    [1.5, 422],
    ["30", 422],
    [1e9, 400],
    [true, 422],
    [36_501, 400],
  ])("expires_in_days %p → %p, and no token is created", async (value, status) => {
    const { res, body } = await create(admin, { name: "bad", expires_in_days: value });
    expect(res.status).toBe(status);
    expect(body.detail).toBeString();
    expect(body.token).toBeUndefined();
    expect(await (await t.api("GET", "/auth/tokens", { token: admin })).json()).toEqual([]);
  });

  test("expires_in_days 1 and 365 give exactly that lifetime", async () => {
    for (const days of [1, 365]) {
      const { body } = await create(admin, { name: `d${days}`, expires_in_days: days });
      expect(new Date(body.expires_at as string).getTime() - new Date(body.created_at as string).getTime()).toBe(days * 86_400_000);
    }
  });

  test("null never expires and still works after the session lifetime has passed", async () => {
    const { res, body } = await create(admin, { name: "forever", expires_in_days: null });
    expect(res.status).toBe(201);
    expect(body.expires_at).toBeNull();
    t.clock.advance(48 * 3_600_000);
    expect((await t.api("GET", "/auth/me", { token: admin })).status).toBe(401);
    const me = await t.api("GET", "/auth/me", { token: body.token as string });
    expect(me.status).toBe(200);
    expect((await me.json()).expires_at).toBeNull();
  });
});

describe("PAT_MAX_DAYS", () => {
  test("longer or null lifetimes → 400 naming the limit; the default is capped at the limit", async () => {
    await t.close();
    t = await createTestApp({ env: { PAT_MAX_DAYS: "30" } });
    admin = await t.login();
    const never = await create(admin, { name: "n", expires_in_days: null });
    expect(never.res.status).toBe(400);
    expect(never.body.detail).toContain("30");
    const long = await create(admin, { name: "l", expires_in_days: 31 });
    expect(long.res.status).toBe(400);
    expect(long.body.detail).toContain("30");
    expect((await create(admin, { name: "ok", expires_in_days: 30 })).res.status).toBe(201);
    const fallback = await create(admin, { name: "default" });
    expect(new Date(fallback.body.expires_at as string).getTime() - new Date(fallback.body.created_at as string).getTime()).toBe(30 * 86_400_000);
  });
});

describe("session only, own tokens only", () => {
  test("a PAT on every /auth/tokens route → 403", async () => {
    const { id, token } = await pat(admin);
    const calls: [string, string, unknown?][] = [
      ["POST", "/auth/tokens", { name: "from-pat" }],
      ["GET", "/auth/tokens"],
      ["GET", `/auth/tokens/${id}`],
      ["DELETE", `/auth/tokens/${id}`],
    ];
    for (const [method, path, body] of calls) {
      const res = await t.api(method, path, { token, body });
      expect(res.status).toBe(403);
      expect((await res.json()).detail).toContain("session");
    }
    expect((await t.api("GET", "/auth/me", { token })).status).toBe(200);
  });

  test("another user's token, or an unknown id → 404 for get and delete; it keeps working", async () => {
    await t.createUser("ana@example.com", "ana-password-1");
    const ana = await t.login("ana@example.com", "ana-password-1");
    const mine = await pat(admin);
    for (const path of [
      `/auth/tokens/${mine.id}`,
      "/auth/tokens/0123456789abcdef0123456789abcdef",
      `/auth/tokens/${"x".repeat(300)}`,
      "/auth/tokens/%27%20OR%201=1",
    ]) {
      expect((await t.api("GET", path, { token: ana })).status).toBe(404);
      expect((await t.api("DELETE", path, { token: ana })).status).toBe(404);
    }
    expect(await (await t.api("GET", "/auth/tokens", { token: ana })).json()).toEqual([]);
    expect((await t.api("GET", "/auth/me", { token: mine.token })).status).toBe(200);
  });

  test("GET /auth/tokens lists own tokens, newest first", async () => {
    await pat(admin, "first");
    t.clock.advance(1000);
    await pat(admin, "second");
    const list = (await (await t.api("GET", "/auth/tokens", { token: admin })).json()) as { name: string }[];
    expect(list.map((x) => x.name)).toEqual(["second", "first"]);
  });
});

describe("revocation", () => {
  test("DELETE → 204; the token is refused on the very next request; again → 204 (idempotent)", async () => {
    const { id, token } = await pat(admin);
    expect((await t.api("GET", "/auth/me", { token })).status).toBe(200);
    const res = await t.api("DELETE", `/auth/tokens/${id}`, { token: admin });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect((await t.api("GET", "/auth/me", { token })).status).toBe(401);
    const shown = await (await t.api("GET", `/auth/tokens/${id}`, { token: admin })).json();
    expect(shown.revoked_at).toBeString();
    expect((await t.api("DELETE", `/auth/tokens/${id}`, { token: admin })).status).toBe(204);
    const again = await (await t.api("GET", `/auth/tokens/${id}`, { token: admin })).json();
    expect(again.revoked_at).toBe(shown.revoked_at);
  });

  test("create and revoke are audited with name and id, never the secret", async () => {
    const { id, token } = await pat(admin, "audited");
    await t.api("DELETE", `/auth/tokens/${id}`, { token: admin });
    const rows = await t.ctx.db.query<{ action: string; target: string; params: string }>(
      "SELECT action, target, params FROM audit_log WHERE action LIKE 'token.%' ORDER BY created_at",
    );
    expect(rows.map((r) => r.action)).toEqual(["token.create", "token.revoke"]);
    for (const row of rows) {
      expect(row.target).toBe(id);
      expect(JSON.parse(row.params)).toMatchObject({ id, name: "audited" });
      expect(row.params).not.toContain(token);
      expect(row.params).not.toContain(hashSecret(token));
    }
  });
});

describe("admin", () => {
  test("lists every token with owner email; filters by user and state; paginates with X-Total-Count", async () => {
    const anaId = await t.createUser("ana@example.com", "ana-password-1");
    const ana = await t.login("ana@example.com", "ana-password-1");
    const a1 = await pat(ana, "ana-1");
    t.clock.advance(1000);
    await pat(ana, "ana-2");
    t.clock.advance(1000);
    await pat(admin, "admin-1");
    await t.api("DELETE", `/auth/tokens/${a1.id}`, { token: ana });

    const all = await t.api("GET", "/auth/admin/tokens", { token: admin });
    expect(all.status).toBe(200);
    expect(all.headers.get("x-total-count")).toBe("3");
    const list = (await all.json()) as { name: string; user_email: string; user_id: string }[];
    expect(list.map((x) => x.name)).toEqual(["admin-1", "ana-2", "ana-1"]);
    expect(list[1]).toMatchObject({ user_email: "ana@example.com", user_id: anaId });

    const byEmail = await (await t.api("GET", "/auth/admin/tokens?user=ANA@example.com", { token: admin })).json();
    expect(byEmail.map((x: { name: string }) => x.name)).toEqual(["ana-2", "ana-1"]);
    const byId = await (await t.api("GET", `/auth/admin/tokens?user=${anaId}&state=active`, { token: admin })).json();
    expect(byId.map((x: { name: string }) => x.name)).toEqual(["ana-2"]);
    const revoked = await (await t.api("GET", "/auth/admin/tokens?state=revoked", { token: admin })).json();
    expect(revoked.map((x: { name: string }) => x.name)).toEqual(["ana-1"]);

    const page = await t.api("GET", "/auth/admin/tokens?limit=1&offset=1", { token: admin });
    expect(page.headers.get("x-total-count")).toBe("3");
    expect((await page.json()).map((x: { name: string }) => x.name)).toEqual(["ana-2"]);
    expect((await t.api("GET", "/auth/admin/tokens?state=bogus", { token: admin })).status).toBe(422);
  });

  test("expired state follows the clock", async () => {
    const { body } = await create(admin, { name: "short", expires_in_days: 1 });
    expect(await (await t.api("GET", "/auth/admin/tokens?state=expired", { token: admin })).json()).toEqual([]);
    t.clock.advance(86_400_000 + 1);
    const session = await t.login();
    const expired = await (await t.api("GET", "/auth/admin/tokens?state=expired", { token: session })).json();
    expect(expired.map((x: { id: string }) => x.id)).toEqual([body.id]);
    expect(await (await t.api("GET", "/auth/admin/tokens?state=active", { token: session })).json()).toEqual([]);
  });

  test("an admin revokes anyone's token (204, audited as token.admin_revoke); unknown → 404; non-admin → 403", async () => {
    await t.createUser("ana@example.com", "ana-password-1");
    const ana = await t.login("ana@example.com", "ana-password-1");
    const { id, token } = await pat(ana);
    expect((await t.api("GET", "/auth/admin/tokens", { token: ana })).status).toBe(403);
    expect((await t.api("DELETE", `/auth/admin/tokens/${id}`, { token: ana })).status).toBe(403);
    expect((await t.api("DELETE", "/auth/admin/tokens/nope", { token: admin })).status).toBe(404);
    expect((await t.api("DELETE", `/auth/admin/tokens/${"x".repeat(300)}`, { token: admin })).status).toBe(404);
    expect((await t.api("DELETE", `/auth/admin/tokens/${id}`, { token: admin })).status).toBe(204);
    expect((await t.api("GET", "/auth/me", { token })).status).toBe(401);
    expect((await t.api("DELETE", `/auth/admin/tokens/${id}`, { token: admin })).status).toBe(204);
    const [row] = await t.ctx.db.query<{ actor_email: string; params: string }>(
      "SELECT actor_email, params FROM audit_log WHERE action = 'token.admin_revoke'",
    );
    expect(row?.actor_email).toBe("admin@example.com");
    expect(JSON.parse(row!.params)).toMatchObject({ id });
  });
});
