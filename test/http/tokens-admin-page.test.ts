// /admin/tokens: every token with its owner, filters, pagination, revoke with a confirmation step.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";

// Each test hashes passwords (argon2id, ~80 ms each) and opens DuckDB; a busy machine needs headroom.

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

async function makeToken(session: string, name: string) {
  const res = await t.api("POST", "/auth/tokens", { token: session, body: { name } });
  return (await res.json()) as { id: string; token: string };
}

describe("/admin/tokens", () => {
  test("lists every token with its owner; filters by owner and state; pages", async () => {
    await t.createUser("ana@example.com", "ana-password-1");
    const ana = await t.login("ana@example.com", "ana-password-1");
    const admin = await t.login();
    const anaToken = await makeToken(ana, "ana-laptop");
    t.clock.advance(1000);
    await makeToken(admin, "admin-ci");
    await t.api("DELETE", `/auth/tokens/${anaToken.id}`, { token: ana });
    const b = await t.browser();

    const all = await (await b.get("/admin/tokens")).text();
    expect(all).toContain("ana-laptop");
    expect(all).toContain("admin-ci");
    expect(all).toContain("ana@example.com");
    expect(all).toContain("1–2 of 2");
    expect(all).not.toContain(anaToken.token);

    const byOwner = await (await b.get("/admin/tokens?user=ana%40example.com")).text();
    expect(byOwner).toContain("ana-laptop");
    expect(byOwner).not.toContain("admin-ci");
    const active = await (await b.get("/admin/tokens?state=active")).text();
    expect(active).toContain("admin-ci");
    expect(active).not.toContain("ana-laptop");
    const paged = await (await b.get("/admin/tokens?limit=1&offset=1")).text();
    expect(paged).toContain("2–2 of 2");
    expect(paged).toContain("ana-laptop");
    expect(paged).not.toContain("admin-ci");
    expect((await b.get("/admin/tokens?state=bogus&limit=x")).status).toBe(200);
  });

  test("non-admins get a 403 page", async () => {
    await t.createUser("ana@example.com", "ana-password-1");
    const b = await t.browser("ana@example.com", "ana-password-1");
    const res = await b.get("/admin/tokens");
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("admin role");
    expect((await b.post("/admin/tokens/whatever/revoke", { confirm: "yes" })).status).toBe(403);
  });

  test("revoke: confirm page, nothing without confirm, then revoked and audited as token.admin_revoke", async () => {
    await t.createUser("ana@example.com", "ana-password-1");
    const ana = await t.login("ana@example.com", "ana-password-1");
    const { id, token } = await makeToken(ana, "ana-ci");
    const b = await t.browser();

    const list = await (await b.get("/admin/tokens")).text();
    expect(list).toContain(`href="/admin/tokens/${id}/revoke"`);
    const confirm = await (await b.get(`/admin/tokens/${id}/revoke`)).text();
    expect(confirm).toContain("ana-ci");
    expect(confirm).toContain("ana@example.com");
    expect((await b.post(`/admin/tokens/${id}/revoke`, {})).status).toBe(200);
    expect((await t.api("GET", "/auth/me", { token })).status).toBe(200);

    const done = await b.post(`/admin/tokens/${id}/revoke`, { confirm: "yes" });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/admin/tokens");
    expect((await t.api("GET", "/auth/me", { token })).status).toBe(401);
    const [row] = await t.ctx.db.query<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'token.admin_revoke' AND target = $1", [id]);
    expect(row?.n).toBe(1);
    expect((await b.get("/admin/tokens/unknown-id/revoke")).status).toBe(404);
  });
});
