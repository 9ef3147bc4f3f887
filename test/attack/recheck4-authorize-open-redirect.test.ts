// Open registration lets anyone register a client whose redirect URI is their own site. An invalid
// authorization request (a wrong response_type, a missing PKCE challenge, another resource, an
// unknown scope) was answered with an immediate 303 to that URI: a link to the genuine
// /oauth/authorize sent a signed-in person (or one who had just signed in through `next`) straight to
// the attacker's page, with no consent page in between. RFC 9700 §4.11.2 (the OAuth security BCP)
// names exactly this: the authorization server must not redirect automatically to a redirect URI it
// cannot trust. Now every invalid request gets an error page; only the person's own Deny, given on
// the consent page that names the redirect host, goes back to the client.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { authorizeFields, pkce, registerClient } from "../helpers/oauth";
import type { Browser } from "../helpers/credentials";

const EVIL = "https://evil.example/landing";
let t: TestApp;
let browser: Browser;
let clientId: string;
beforeAll(async () => {
  t = await createTestApp();
  browser = await t.browser();
  clientId = await registerClient(t, [EVIL], "Agnes Sign-in");
});
afterAll(() => t.close());

const invalid: Record<string, Record<string, string>> = {
  "response_type=token": { response_type: "token" },
  "no PKCE": { code_challenge: "", code_challenge_method: "" },
  "plain PKCE": { code_challenge_method: "plain" },
  "another resource": { resource: "https://elsewhere.example/mcp" },
  "an unknown scope": { scope: "users:write" },
};

for (const [label, extra] of Object.entries(invalid)) {
  test(`an authorization request with ${label} gets an error page, not a redirect to the client's site`, async () => {
    const { challenge } = pkce();
    const res = await browser.get(`/oauth/authorize?${new URLSearchParams(authorizeFields(clientId, challenge, { redirect_uri: EVIL, ...extra }))}`);
    expect([res.status, res.headers.get("location")]).toEqual([400, null]);
    expect(await res.text()).toContain("Nothing was shared");
  });
}

test("the consent form posted with a tampered field gets an error page too; Deny still goes back to the client", async () => {
  const { challenge } = pkce();
  const fields = authorizeFields(clientId, challenge, { redirect_uri: EVIL });
  const tampered = await browser.post("/oauth/authorize", { ...fields, response_type: "token", decision: "allow", granted_query: "on" });
  expect([tampered.status, tampered.headers.get("location")]).toEqual([400, null]);
  const denied = await browser.post("/oauth/authorize", { ...fields, decision: "deny" });
  expect(denied.status).toBe(303);
  expect(new URL(denied.headers.get("location")!).searchParams.get("error")).toBe("access_denied");
});
