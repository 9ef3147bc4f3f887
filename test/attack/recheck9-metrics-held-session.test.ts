// GET /metrics resolves its caller itself (for METRICS_TOKEN) and let in any admin session, also one
// held to a task the auth guard refuses everything else to (a password an admin set, a second factor
// MFA_REQUIRED asks for; session-restriction.ts): someone with only an admin's password read the
// server's metrics while /api/audit said 403.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { heldAdminSession } from "../helpers/held-session";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test("an admin session held to choosing its own password gets 403 at /metrics, as at /api/audit", async () => {
  const admin = await t.login();
  const held = await heldAdminSession(t, admin);
  expect((await t.api("GET", "/api/audit", { token: held.token })).status).toBe(403);
  expect((await t.api("GET", "/metrics", { token: held.token })).status).toBe(403);
  expect((await held.raw("/metrics")).status).toBe(403);
  expect((await t.api("GET", "/metrics", { token: admin })).status).toBe(200);
});
