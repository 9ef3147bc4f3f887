// An OAuth client of the in-process app, as an MCP client would be: register, consent in a signed-in
// browser, redeem the code with PKCE, refresh, and call /mcp with the access token.
import { expect } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { BASE, type TestApp } from "./app";
import type { Browser } from "./credentials";

export const REDIRECT = "http://127.0.0.1:43111/callback";
export const RESOURCE = `${BASE}/mcp`;
export type Tokens = { access_token: string; refresh_token: string; expires_in: number; scope: string; token_type: string };

export const form = (t: TestApp, path: string, fields: Record<string, string | undefined>) =>
  t.handle(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)),
  });

export async function registerClient(t: TestApp, redirectUris = [REDIRECT], name = "Test Agent"): Promise<string> {
  const res = await t.api("POST", "/oauth/register", { body: { client_name: name, redirect_uris: redirectUris } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { client_id: string }).client_id;
}

export function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function authorizeFields(clientId: string, challenge: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: "st-1",
    resource: RESOURCE,
    ...extra,
  };
}

/** Consents in `browser` (every scope ticked unless `granted` says which) and returns the redirect's URL. */
export async function consent(browser: Browser, fields: Record<string, string>, granted = ["profile_read", "sync", "query"]): Promise<URL> {
  const boxes = Object.fromEntries(granted.map((g) => [`granted_${g}`, "on"]));
  const res = await browser.post("/oauth/authorize", { ...fields, ...boxes, decision: "allow" });
  expect(res.status).toBe(303);
  return new URL(res.headers.get("location")!);
}

export function redeem(t: TestApp, clientId: string, code: string, verifier: string, extra: Record<string, string> = {}) {
  return form(t, "/oauth/token", {
    grant_type: "authorization_code",
    code,
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
    resource: RESOURCE,
    ...extra,
  });
}

export function refresh(t: TestApp, clientId: string, refreshToken: string) {
  return form(t, "/oauth/token", { grant_type: "refresh_token", refresh_token: refreshToken, client_id: clientId });
}

/** The whole flow for `browser`'s person: a registered client and its first tokens. */
export async function connectApp(t: TestApp, browser: Browser, granted?: string[]): Promise<{ clientId: string; tokens: Tokens }> {
  const clientId = await registerClient(t);
  const { verifier, challenge } = pkce();
  const code = (await consent(browser, authorizeFields(clientId, challenge), granted)).searchParams.get("code")!;
  const res = await redeem(t, clientId, code, verifier);
  expect(res.status).toBe(200);
  return { clientId, tokens: (await res.json()) as Tokens };
}

let rpcId = 0;
/** One JSON-RPC call to /mcp (initialize is not needed by the stateless transport). */
export function mcp(t: TestApp, token: string | null, method: string, params: Record<string, unknown> = {}) {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json, text/event-stream" };
  if (token) headers.authorization = `Bearer ${token}`;
  return t.handle("/mcp", { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method, params }) });
}

export async function toolText(t: TestApp, token: string, name: string, args: Record<string, unknown> = {}) {
  const res = await mcp(t, token, "tools/call", { name, arguments: args });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { result: { content: { text: string }[]; isError?: boolean } };
  return { text: body.result.content[0]!.text, isError: body.result.isError === true };
}

/** The same flow, for a session that may have ended or a person who may be deactivated: no tokens then. */
export async function connectAppQuietly(t: TestApp, browser: Browser, clientId: string): Promise<Tokens | null> {
  const { verifier, challenge } = pkce();
  const fields = { ...authorizeFields(clientId, challenge), granted_query: "on", decision: "allow" };
  const res = await browser.post("/oauth/authorize", fields);
  // Not every 303 is the client's redirect: a person who must change their password is sent there.
  const location = res.status === 303 ? res.headers.get("location") : null;
  const code = location?.startsWith(REDIRECT) ? new URL(location).searchParams.get("code") : null;
  if (!code) return null;
  const redeemed = await redeem(t, clientId, code, verifier);
  return redeemed.status === 200 ? ((await redeemed.json()) as Tokens) : null;
}
