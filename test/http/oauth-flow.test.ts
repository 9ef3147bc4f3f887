// The OAuth server and /mcp in process: discovery, registration, consent, code, tools, refresh,
// revocation, and the tokens' scopes.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { BASE, createTestApp, type TestApp } from "../helpers/app";
import { authorizeFields, connectApp, mcp, pkce, refresh, registerClient, RESOURCE, toolText } from "../helpers/oauth";
import { storeCsv } from "../data/helpers";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
  await storeCsv(t, "sales", "region,amount\nnorth,10\nsouth,32\n");
});
afterEach(() => t.close());

test("/mcp without a bearer: 401 with the resource_metadata challenge, and the metadata it names", async () => {
  const res = await mcp(t, null, "tools/list");
  expect(res.status).toBe(401);
  expect(res.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="${BASE}/.well-known/oauth-protected-resource"`);
  const prm = (await (await t.handle("/.well-known/oauth-protected-resource")).json()) as Record<string, unknown>;
  expect(prm).toMatchObject({ resource: RESOURCE, authorization_servers: [BASE] });
  const as = (await (await t.handle("/.well-known/oauth-authorization-server")).json()) as Record<string, unknown>;
  expect(as).toMatchObject({ issuer: BASE, code_challenge_methods_supported: ["S256"], registration_endpoint: `${BASE}/oauth/register` });
});

test("a connected app lists its tools, queries, refreshes (rotating) and is cut off when revoked on /profile", async () => {
  const browser = await t.browser();
  const { clientId, tokens } = await connectApp(t, browser);
  expect(tokens.access_token).toStartWith("agnes_oat_");
  expect(tokens.refresh_token).toStartWith("agnes_ort_");
  const list = (await (await mcp(t, tokens.access_token, "tools/list")).json()) as { result: { tools: { name: string }[] } };
  expect(list.result.tools.map((tool) => tool.name).sort()).toEqual(["describe_dataset", "list_datasets", "query", "whoami"]);
  const answer = await toolText(t, tokens.access_token, "query", { sql: "SELECT sum(amount) AS total FROM sales" });
  expect(answer).toEqual({ text: expect.stringContaining("| 42 |"), isError: false });
  const refreshed = await refresh(t, clientId, tokens.refresh_token);
  expect(refreshed.status).toBe(200);
  const next = (await refreshed.json()) as { access_token: string; refresh_token: string };
  expect(next.refresh_token).not.toBe(tokens.refresh_token);
  expect((await toolText(t, next.access_token, "whoami")).text).toContain("admin@example.com");
  const [app] = (await (await t.api("GET", "/auth/oauth/grants", { token: browser.token })).json()) as { id: string; client_name: string }[];
  expect(app!.client_name).toBe("Test Agent");
  expect((await browser.post(`/profile/connected-apps/${app!.id}/revoke`, { confirm: "yes" })).status).toBe(303);
  expect((await mcp(t, next.access_token, "tools/list")).status).toBe(401);
  expect((await mcp(t, tokens.access_token, "tools/list")).status).toBe(401);
  expect((await refresh(t, clientId, next.refresh_token)).status).toBe(400);
});

test("a token without query may list datasets but not query; a PAT may do both", async () => {
  const browser = await t.browser();
  const { tokens } = await connectApp(t, browser, ["profile_read", "sync"]);
  expect(tokens.scope).toBe("profile:read sync");
  expect((await toolText(t, tokens.access_token, "list_datasets")).text).toContain("sales");
  const refused = await toolText(t, tokens.access_token, "query", { sql: "SELECT 1" });
  expect(refused).toEqual({ text: expect.stringContaining("query scope"), isError: true });
  const { token: pat } = (await (await t.api("POST", "/auth/tokens", { token: browser.token, body: { name: "mcp" } })).json()) as { token: string };
  expect((await toolText(t, pat, "query", { sql: "SELECT count(*) AS n FROM sales" })).text).toContain("| 2 |");
  expect((await toolText(t, pat, "describe_dataset", { name: "sales" })).text).toContain("amount");
});

test("an OAuth access token is refused everywhere but /mcp, and a refresh token is never a bearer", async () => {
  const { tokens } = await connectApp(t, await t.browser());
  expect((await t.api("GET", "/api/datasets", { token: tokens.access_token })).status).toBe(403);
  expect((await t.api("GET", "/auth/tokens", { token: tokens.access_token })).status).toBe(403);
  expect((await mcp(t, tokens.refresh_token, "tools/list")).status).toBe(401);
});

test("the whole grant is audited: registration, consent, a refresh-token reuse", async () => {
  const { clientId, tokens } = await connectApp(t, await t.browser());
  expect((await refresh(t, clientId, tokens.refresh_token)).status).toBe(200);
  expect((await refresh(t, clientId, tokens.refresh_token)).status).toBe(400);
  const entries = (await t.ctx.db.query<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'oauth.%' ORDER BY id")).map((e) => e.action);
  expect(entries).toEqual(["oauth.client_register", "oauth.grant", "oauth.family_revoked"]);
});

test("deny sends access_denied back with the state; unknown redirect URIs get a page, never a redirect", async () => {
  const browser = await t.browser();
  const clientId = await registerClient(t);
  const { challenge } = pkce();
  const denied = await browser.post("/oauth/authorize", { ...authorizeFields(clientId, challenge), decision: "deny" });
  const back = new URL(denied.headers.get("location")!);
  expect([back.searchParams.get("error"), back.searchParams.get("state"), back.searchParams.get("iss")]).toEqual(["access_denied", "st-1", BASE]);
  const page = await browser.get(`/oauth/authorize?${new URLSearchParams(authorizeFields(clientId, challenge, { redirect_uri: "https://evil.example/cb" }))}`);
  expect(page.status).toBe(400);
  expect(page.headers.get("location")).toBeNull();
});

test("concurrent callers on reused MCP servers each see only themselves", async () => {
  await t.createUser("ana@example.com", "ana-password-1");
  const admin = (await connectApp(t, await t.browser())).tokens.access_token;
  const ana = (await connectApp(t, await t.browser("ana@example.com", "ana-password-1"))).tokens.access_token;
  const calls = Array.from({ length: 40 }, (_, i) => (i % 2 ? ana : admin));
  const answers = await Promise.all(calls.map((token) => toolText(t, token, "whoami")));
  answers.forEach((answer, i) => expect(answer.text).toContain(i % 2 ? "ana@example.com" : "admin@example.com"));
});
