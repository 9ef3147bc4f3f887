// OAUTH_REGISTRATION=admin: only an admin registers OAuth clients through POST /oauth/register. That
// route resolves its caller itself (`principal`, not the guard's `auth`), and it took any admin
// session: one held to a task (a password an admin set, a second factor MFA_REQUIRED asks for), which
// the guard refuses everywhere else, and the session cookie with no CSRF token, though the endpoint is
// open to every origin and, like /mcp, must never act on the cookie (src/http/cors.ts).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { heldAdminSession } from "../helpers/held-session";
import { REDIRECT } from "../helpers/oauth";

const body = JSON.stringify({ client_name: "Held", redirect_uris: [REDIRECT] });
const json = { "content-type": "application/json" };
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { OAUTH_REGISTRATION: "admin" } });
});
afterAll(() => t.close());

test("an admin session held to choosing its own password cannot register a client", async () => {
  const admin = await t.login();
  const held = await heldAdminSession(t, admin);
  expect((await t.api("GET", "/api/users", { token: held.token })).status).toBe(403);
  const asBearer = await t.handle("/oauth/register", { method: "POST", headers: { ...json, authorization: `Bearer ${held.token}` }, body });
  expect(asBearer.status).toBe(403);
});

test("an admin's session cookie does not make a registration an admin's", async () => {
  const b = await t.browser();
  const noCsrf = await b.raw("/oauth/register", { method: "POST", headers: json, body });
  expect(noCsrf.status).toBe(403);
  const withCsrf = await b.raw("/oauth/register", { method: "POST", headers: { ...json, "x-csrf-token": b.csrf }, body });
  expect(withCsrf.status).toBe(403);
  const asBearer = await t.handle("/oauth/register", { method: "POST", headers: { ...json, authorization: `Bearer ${b.token}` }, body });
  expect(asBearer.status).toBe(201);
});
