// MFA_REQUIRED covers a person with no second factor: their session is held to enrolment and the auth
// guard refuses every other path (session-restriction.ts). /mcp resolves its caller itself and
// repeated only the forced-password-change half of that rule: the held session, sent as a bearer,
// listed and queried every dataset the person may read without ever setting up a factor.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { mcp } from "../helpers/oauth";

const EMAIL = "held@example.com";
const PASSWORD = "held-password-1";
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { MFA_REQUIRED: "all" } });
  const config = t.ctx.config as { mfaRequired: string };
  config.mfaRequired = "off";
  await t.createUser(EMAIL, PASSWORD);
  config.mfaRequired = "all";
});
afterAll(() => t.close());

test("a session held to second-factor enrolment gets 403 at /mcp, as at POST /api/query", async () => {
  const b = await t.browser(EMAIL, PASSWORD);
  expect((await t.api("POST", "/api/query", { token: b.token, body: { sql: "SELECT 1" } })).status).toBe(403);
  for (const [method, params] of [
    ["tools/call", { name: "query", arguments: { sql: "SELECT 42" } }],
    ["tools/call", { name: "whoami", arguments: {} }],
    ["tools/list", {}],
  ] as const) {
    const res = await mcp(t, b.token, method, params);
    expect([method, res.status]).toEqual([method, 403]);
  }
});
