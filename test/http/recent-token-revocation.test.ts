// A token in steady use is found through src/auth/recent-secrets.ts, without hashing it again. That
// shortcut must never outlive the token: each credential here is used a few times first (so it is
// remembered), then ended one way or another, and its very next use must be refused. Near misses of
// a remembered token must never be answered as that token.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { connectApp, form, mcp, refresh } from "../helpers/oauth";

let t: TestApp;
let admin: string;
let people = 0;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login();
});
afterAll(() => t.close());

const me = async (token: string) => (await t.api("GET", "/auth/me", { token })).status;
const atMcp = async (token: string) => (await mcp(t, token, "tools/list")).status;

async function person(role: "analyst" | "admin" = "analyst") {
  const email = `warm-${++people}@example.com`;
  const id = await t.createUser(email, "warm-password-1", role);
  return { id, email, session: await t.login(email, "warm-password-1") };
}

/** A PAT of a new person, used three times so it is remembered. */
async function warmPat(role: "analyst" | "admin" = "analyst", days: number | null = 30) {
  const owner = await person(role);
  const res = await t.api("POST", "/auth/tokens", { token: owner.session, body: { name: "ci", expires_in_days: days } });
  const { id, token } = (await res.json()) as { id: string; token: string };
  for (let i = 0; i < 3; i++) expect(await me(token)).toBe(200);
  return { owner, id, token };
}

type Warm = Awaited<ReturnType<typeof warmPat>>;
const PAT_ENDINGS: Record<string, (w: Warm) => Promise<Response>> = {
  "revoked by its owner": (w) => t.api("DELETE", `/auth/tokens/${w.id}`, { token: w.owner.session }),
  "revoked by an admin": (w) => t.api("DELETE", `/auth/admin/tokens/${w.id}`, { token: admin }),
  "revoked by value": (w) => t.api("POST", "/auth/tokens/revoke", { body: { token: w.token } }),
  "owner deactivated": (w) => t.api("POST", `/api/users/${w.owner.id}/deactivate`, { token: admin }),
  "owner deleted": (w) => t.api("DELETE", `/api/users/${w.owner.id}`, { token: admin }),
};

describe.each(Object.keys(PAT_ENDINGS))("a remembered PAT, %s", (ending) => {
  test("is refused at its next use, and after", async () => {
    const warm = await warmPat();
    expect((await PAT_ENDINGS[ending]!(warm)).ok).toBe(true);
    expect([await me(warm.token), await me(warm.token)]).toEqual([401, 401]);
  });
});

test("a remembered admin's PAT loses admin routes at once when the owner is demoted", async () => {
  const warm = await warmPat("admin");
  expect((await t.api("GET", "/api/users", { token: warm.token })).status).toBe(200);
  expect((await t.api("PATCH", `/api/users/${warm.owner.id}`, { token: admin, body: { role: "viewer" } })).status).toBe(200);
  expect((await t.api("GET", "/api/users", { token: warm.token })).status).toBe(403);
});

test("a remembered PAT limited to other networks is refused, and one it was rotated out of stops after the grace", async () => {
  const owner = await person();
  const res = await t.api("POST", "/auth/tokens", { token: owner.session, body: { name: "elsewhere", allowed_cidrs: ["10.9.9.0/24"] } });
  const { token } = (await res.json()) as { token: string };
  expect([await me(token), await me(token)]).toEqual([401, 401]);
  const warm = await warmPat();
  expect((await t.api("POST", `/auth/tokens/${warm.id}/rotate`, { token: warm.owner.session })).status).toBe(201);
  expect(await me(warm.token)).toBe(200);
  t.clock.advance(61 * 60_000);
  expect(await me(warm.token)).toBe(401);
});

test("no near miss of a remembered PAT is answered as it, and none of them makes it forgotten", async () => {
  const { token } = await warmPat();
  const near = new Set<string>([token.toUpperCase(), token.toLowerCase(), `${token.slice(0, -1)}\u00e9`, `${token}\u00a0x`]);
  for (let i = 0; i < token.length; i++) {
    const c = token[i]!;
    for (const other of [c === "A" ? "B" : "A", c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase(), String.fromCharCode(c.charCodeAt(0) | 0x80)]) {
      near.add(token.slice(0, i) + other + token.slice(i + 1));
    }
  }
  near.delete(token);
  const answers = new Map<number, number>();
  for (const value of near) {
    const status = (await t.handle("/auth/me", { headers: { authorization: `Bearer ${value}` } })).status;
    answers.set(status, (answers.get(status) ?? 0) + 1);
  }
  expect([...answers.keys()]).toEqual([401]);
  expect(await me(token)).toBe(200);
});

describe("a remembered OAuth access token", () => {
  async function warmApp() {
    const owner = await person();
    const app = await connectApp(t, await t.browser(owner.email, "warm-password-1"));
    for (let i = 0; i < 3; i++) expect(await atMcp(app.tokens.access_token)).toBe(200);
    return { owner, ...app };
  }

  test("stops at once when its grant is revoked through /oauth/revoke", async () => {
    const { clientId, tokens } = await warmApp();
    expect((await form(t, "/oauth/revoke", { token: tokens.refresh_token, client_id: clientId })).status).toBe(200);
    expect([await atMcp(tokens.access_token), await atMcp(tokens.access_token)]).toEqual([401, 401]);
  });

  test("stops at once when its refresh token is reused", async () => {
    const { clientId, tokens } = await warmApp();
    expect((await refresh(t, clientId, tokens.refresh_token)).status).toBe(200);
    expect((await refresh(t, clientId, tokens.refresh_token)).status).toBe(400);
    expect(await atMcp(tokens.access_token)).toBe(401);
  });

  test("stops at once when its owner is deactivated", async () => {
    const { owner, tokens } = await warmApp();
    expect((await t.api("POST", `/api/users/${owner.id}/deactivate`, { token: admin })).status).toBe(200);
    expect(await atMcp(tokens.access_token)).toBe(401);
  });

  test("stops when it expires, and so does a remembered PAT", async () => {
    const { tokens } = await warmApp();
    const warm = await warmPat("analyst", 1);
    t.clock.advance(tokens.expires_in * 1000);
    expect(await atMcp(tokens.access_token)).toBe(401);
    expect(await me(warm.token)).toBe(200);
    t.clock.advance(86_400_000);
    expect(await me(warm.token)).toBe(401);
  });
});
