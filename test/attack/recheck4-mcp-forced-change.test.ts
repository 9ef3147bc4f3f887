// A person whose password an admin set must change it first: their session may read /auth/me, sign
// out and change the password, nothing else (auth-guard.ts), because that password is known to two
// people. /mcp resolves its caller itself (its 401 carries the RFC 9728 challenge) and skipped that
// rule: the same session, sent as a bearer, listed and queried every dataset the person may read.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { mcp } from "../helpers/oauth";

const EMAIL = "temp@example.com";
const PASSWORD = "typed-by-an-admin-1";
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login();
  const res = await t.api("POST", "/api/users", { token: admin, body: { email: EMAIL, password: PASSWORD, role: "analyst", must_change_password: true } });
  expect(res.status).toBe(201);
});
afterAll(() => t.close());

test("a session that must change its password gets 403 at /mcp, as at POST /api/query", async () => {
  const session = await t.login(EMAIL, PASSWORD);
  expect((await t.api("POST", "/api/query", { token: session, body: { sql: "SELECT 1" } })).status).toBe(403);
  for (const [method, params] of [
    ["tools/call", { name: "query", arguments: { sql: "SELECT 42" } }],
    ["tools/call", { name: "whoami", arguments: {} }],
    ["tools/list", {}],
  ] as const) {
    const res = await mcp(t, session, method, params);
    expect([method, res.status]).toEqual([method, 403]);
  }
});
