// Protocol attacks on the OAuth server: redirect URIs, PKCE, codes, refresh tokens, resources,
// registration floods, consent CSRF, and a deactivated person's tokens.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { authorizeFields, connectApp, consent, form, mcp, pkce, redeem, refresh, registerClient, REDIRECT } from "../helpers/oauth";
import { REGISTRATIONS_PER_HOUR } from "../../src/modules/oauth";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;

test("registration refuses non-loopback http, fragments, javascript: and data: redirect URIs", async () => {
  for (const uri of ["http://evil.example/cb", "https://app.example/cb#x", "javascript:alert(1)", "data:text/html,x", "http://127.0.0.1.evil.example/cb"]) {
    const res = await t.api("POST", "/oauth/register", { body: { redirect_uris: [uri] } });
    expect([uri, res.status]).toEqual([uri, 400]);
  }
  expect((await t.api("POST", "/oauth/register", { body: { redirect_uris: ["com.example.app:/cb"] } })).status).toBe(201);
});

test("look-alike redirect URIs get an error page, never a redirect; loopback may change only its port", async () => {
  const browser = await t.browser();
  const clientId = await registerClient(t, ["https://app.example.com/cb", REDIRECT]);
  const { challenge } = pkce();
  for (const uri of [
    "https://app.example.com.evil.test/cb",
    "https://app.example.com/cb/../x",
    "https://APP.example.com/cb",
    "https://app.example.com/cb?x=1",
    "http://127.0.0.1:43111/callbackx",
    "http://localhost:43111/callback",
  ]) {
    const res = await browser.get(`/oauth/authorize?${new URLSearchParams(authorizeFields(clientId, challenge, { redirect_uri: uri }))}`);
    expect([uri, res.status, res.headers.get("location")]).toEqual([uri, 400, null]);
  }
  const otherPort = await browser.get(
    `/oauth/authorize?${new URLSearchParams(authorizeFields(clientId, challenge, { redirect_uri: "http://127.0.0.1:50000/callback" }))}`,
  );
  expect(otherPort.status).toBe(200);
});

test("PKCE: a missing or plain challenge gets an error page (never a redirect); a wrong verifier gets no token", async () => {
  const browser = await t.browser();
  const clientId = await registerClient(t);
  const { verifier, challenge } = pkce();
  for (const extra of [{ code_challenge_method: "plain" }, { code_challenge: "" }] as Record<string, string>[]) {
    const refused = await browser.post("/oauth/authorize", { ...authorizeFields(clientId, challenge, extra), granted_query: "on", decision: "allow" });
    expect([refused.status, refused.headers.get("location")]).toEqual([400, null]);
    expect(await refused.text()).toContain("invalid_request");
  }
  const code = (await consent(browser, authorizeFields(clientId, challenge))).searchParams.get("code")!;
  const wrong = await redeem(t, clientId, code, pkce().verifier);
  expect([wrong.status, await errorOf(wrong)]).toEqual([400, "invalid_grant"]);
  expect((await redeem(t, clientId, code, verifier)).status).toBe(400); // the failed try used the code up
});

test("a code is redeemed once: of two at once one takes it, and the replay ends the grant it produced", async () => {
  const browser = await t.browser();
  const clientId = await registerClient(t);
  const { verifier, challenge } = pkce();
  const code = (await consent(browser, authorizeFields(clientId, challenge))).searchParams.get("code")!;
  const answers = await Promise.all([redeem(t, clientId, code, verifier), redeem(t, clientId, code, verifier)]);
  // One redemption takes the code; the other is refused and, being a replay, ends what the code gave.
  expect(answers.map((r) => r.status).sort()).toEqual([400, 400]);
  const later = await redeem(t, clientId, code, verifier);
  expect(later.status).toBe(400);
  const grants = await t.ctx.db.query<{ revoked_reason: string }>("SELECT revoked_reason FROM oauth_grants");
  expect(grants).toEqual([{ revoked_reason: "authorization_code_reuse" }]);
});

test("a code for another client, another redirect URI or another resource gets no token", async () => {
  const browser = await t.browser();
  const clientId = await registerClient(t);
  const other = await registerClient(t);
  const { verifier, challenge } = pkce();
  const codeFor = async () => (await consent(browser, authorizeFields(clientId, challenge))).searchParams.get("code")!;
  expect(await errorOf(await redeem(t, other, await codeFor(), verifier))).toBe("invalid_grant");
  expect(await errorOf(await redeem(t, clientId, await codeFor(), verifier, { redirect_uri: "http://127.0.0.1:43112/callback" }))).toBe("invalid_grant");
  expect(await errorOf(await redeem(t, clientId, await codeFor(), verifier, { resource: "https://other.example/mcp" }))).toBe("invalid_target");
  const asked = await browser.get(`/oauth/authorize?${new URLSearchParams(authorizeFields(clientId, challenge, { resource: "https://other.example/mcp" }))}`);
  expect([asked.status, asked.headers.get("location")]).toEqual([400, null]);
  expect(await asked.text()).toContain("invalid_target");
});

test("refresh-token reuse revokes the whole family, the newest tokens included", async () => {
  const { clientId, tokens } = await connectApp(t, await t.browser());
  const next = (await (await refresh(t, clientId, tokens.refresh_token)).json()) as { access_token: string; refresh_token: string };
  const reuse = await refresh(t, clientId, tokens.refresh_token);
  expect([reuse.status, await errorOf(reuse)]).toEqual([400, "invalid_grant"]);
  expect((await mcp(t, next.access_token, "tools/list")).status).toBe(401);
  expect((await refresh(t, clientId, next.refresh_token)).status).toBe(400);
});

test("a refresh by another client is refused, and revoking through /oauth/revoke ends the grant", async () => {
  const { clientId, tokens } = await connectApp(t, await t.browser());
  const other = await registerClient(t);
  expect(await errorOf(await refresh(t, other, tokens.refresh_token))).toBe("invalid_grant");
  expect((await form(t, "/oauth/revoke", { token: tokens.refresh_token, client_id: clientId })).status).toBe(200);
  expect((await mcp(t, tokens.access_token, "tools/list")).status).toBe(401);
  expect((await form(t, "/oauth/revoke", { token: "agnes_ort_unknown" })).status).toBe(200);
});

test("registration floods from one address are cut off", async () => {
  const headers = { "content-type": "application/json", "x-forwarded-for": "203.0.113.9" };
  const body = JSON.stringify({ redirect_uris: [REDIRECT] });
  const answers = await Promise.all(Array.from({ length: REGISTRATIONS_PER_HOUR + 5 }, () => t.handle("/oauth/register", { method: "POST", headers, body })));
  expect(answers.filter((r) => r.status === 201).length).toBe(REGISTRATIONS_PER_HOUR);
  expect(answers.filter((r) => r.status === 429).length).toBe(5);
});

test("the consent POST needs the CSRF token; admin registration mode refuses anonymous clients", async () => {
  const browser = await t.browser();
  const clientId = await registerClient(t);
  const { challenge } = pkce();
  const forged = await browser.post("/oauth/authorize", { ...authorizeFields(clientId, challenge), granted_query: "on", decision: "allow", _csrf: "forged" });
  expect(forged.status).toBe(403);
  const locked = await createTestApp({ env: { OAUTH_REGISTRATION: "admin" } });
  try {
    expect((await locked.api("POST", "/oauth/register", { body: { redirect_uris: [REDIRECT] } })).status).toBe(403);
    expect((await locked.api("POST", "/oauth/register", { token: await locked.login(), body: { redirect_uris: [REDIRECT] } })).status).toBe(201);
  } finally {
    await locked.close();
  }
});

test("a deactivated person's tokens stop, and stay stopped after reactivation", async () => {
  const id = await t.createUser("ana@example.com", "ana-password-1");
  const { clientId, tokens } = await connectApp(t, await t.browser("ana@example.com", "ana-password-1"));
  const admin = await t.login();
  expect((await t.api("POST", `/api/users/${id}/deactivate`, { token: admin })).status).toBe(200);
  expect((await mcp(t, tokens.access_token, "tools/list")).status).toBe(401);
  expect((await t.api("POST", `/api/users/${id}/activate`, { token: admin })).status).toBe(200);
  expect((await mcp(t, tokens.access_token, "tools/list")).status).toBe(401);
  expect((await refresh(t, clientId, tokens.refresh_token)).status).toBe(400);
});

test("an access token works only at the resource it was issued for (another Host without PUBLIC_URL)", async () => {
  const { tokens } = await connectApp(t, await t.browser());
  const headers = { authorization: `Bearer ${tokens.access_token}`, "content-type": "application/json", accept: "application/json, text/event-stream" };
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
  const elsewhere = await t.app.handle(new Request("http://other.example/mcp", { method: "POST", headers, body }));
  expect(elsewhere.status).toBe(401);
  expect(elsewhere.headers.get("www-authenticate")).toContain('error="invalid_token"');
  expect((await mcp(t, tokens.access_token, "tools/list")).status).toBe(200);
});
