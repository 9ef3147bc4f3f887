// What admins and the audit trail see of OAuth: the clients page (register by hand, remove a client
// and its grants), a token's use from a new address, and the 30-day clean-up of unused clients.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { connectApp, mcp, REDIRECT, registerClient } from "../helpers/oauth";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: "1" } });
});
afterEach(() => t.close());

const actions = async (prefix: string) =>
  (await t.ctx.db.query<{ action: string; params: string }>("SELECT action, params FROM audit_log WHERE action LIKE $1 ORDER BY id", [`${prefix}%`])).map(
    (e) => ({
      action: e.action,
      params: JSON.parse(e.params) as Record<string, unknown>,
    }),
  );

const fromAddress = (token: string, address: string) =>
  t.handle("/mcp", {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "x-forwarded-for": address,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });

test("a token's first use from each new address is audited once", async () => {
  const { tokens } = await connectApp(t, await t.browser());
  for (const address of ["198.51.100.1", "198.51.100.1", "198.51.100.2", "198.51.100.1"])
    expect((await fromAddress(tokens.access_token, address)).status).toBe(200);
  const seen = (await actions("oauth.new_address")).map((e) => e.params.address);
  expect(seen).toEqual(["198.51.100.1", "198.51.100.2"]);
});

test("admins see clients and grants, register a client by hand, and removing a client ends its grants", async () => {
  const admin = await t.browser();
  const { clientId, tokens } = await connectApp(t, admin);
  const page = await (await admin.get("/admin/oauth-clients")).text();
  expect(page).toContain("Test Agent");
  expect(page).toContain(clientId);
  const registered = await admin.submit("/admin/oauth-clients", { client_name: "<b>Desk</b>", redirect_uris: "com.example.desk:/cb\nhttps://desk.example/cb" });
  expect(registered).toContain("&lt;b&gt;Desk&lt;/b&gt;");
  expect(registered).not.toContain("<b>Desk</b>");
  await admin.submit(`/admin/oauth-clients/${clientId}/delete`, { confirm: "yes" });
  expect((await mcp(t, tokens.access_token, "tools/list")).status).toBe(401);
  expect(await (await t.api("GET", "/auth/oauth/grants", { token: admin.token })).json()).toEqual([]);
});

test("a viewer cannot open the clients page; a PAT cannot list connected apps", async () => {
  await t.createUser("vic@example.com", "vic-password-1", "viewer");
  const viewer = await t.browser("vic@example.com", "vic-password-1");
  expect((await viewer.get("/admin/oauth-clients")).status).toBe(403);
  const { token: pat } = (await (await t.api("POST", "/auth/tokens", { token: viewer.token, body: { name: "x" } })).json()) as { token: string };
  expect((await t.api("GET", "/auth/oauth/grants", { token: pat })).status).toBe(403);
});

test("clients unused for 30 days are removed when new ones register; one whose grant can still refresh stays until it cannot", async () => {
  const idle = await registerClient(t, [REDIRECT], "Idle");
  const { clientId: used } = await connectApp(t, await t.browser());
  const left = async () => (await t.ctx.db.query<{ id: string }>("SELECT id FROM oauth_clients")).map((r) => r.id);
  t.clock.advance(29 * 86_400_000 + 3_600_000); // the grant's refresh token (OAUTH_REFRESH_DAYS = 30) is still good
  await registerClient(t, [REDIRECT], "Newcomer");
  expect(await left()).toContain(used);
  expect(await left()).toContain(idle); // 29 days unused: not yet
  t.clock.advance(2 * 86_400_000);
  await registerClient(t, [REDIRECT], "Later");
  expect(await left()).not.toContain(idle);
  expect(await left()).not.toContain(used); // its refresh token expired: the grant is dead
  expect((await actions("oauth.client_delete")).map((e) => e.params.name)).toEqual(["Idle", "Test Agent"]);
});
