// Attacker pass on issue 20 (class 2): redeeming `da` sign-ins concurrently with the revoking event.
// Whatever order the database queue picks, no CLI session minted from a code or grant approved by a
// session that the event ends may work once both have finished.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { deviceApprovedBy, loopbackApprovedBy } from "../helpers/credentials";

const VICTIM = "victim@example.com";
const PASSWORD = "victim-password-1";
let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

type Browser = Awaited<ReturnType<TestApp["browser"]>>;

const deviceGrant = (approver: Browser) => deviceApprovedBy(t, approver);
const loopbackCode = (approver: Browser) => loopbackApprovedBy(t, approver);

const EVENTS = {
  password_set_by_admin: (admin: string, id: string) =>
    t.api("POST", `/api/users/${id}/set-password`, { token: admin, body: { password: "victim-password-2" } }),
  role_change: (admin: string, id: string) => t.api("PATCH", `/api/users/${id}`, { token: admin, body: { role: "viewer" } }),
  deactivation: async (admin: string, id: string) => {
    await t.api("POST", `/api/users/${id}/deactivate`, { token: admin });
    return t.api("POST", `/api/users/${id}/activate`, { token: admin });
  },
};

test.each(Object.keys(EVENTS) as (keyof typeof EVENTS)[])("%s racing 12 redemptions leaves no working CLI session", async (event) => {
  const id = await t.createUser(VICTIM, PASSWORD, "analyst");
  const admin = await t.login();
  const approver = await t.browser(VICTIM, PASSWORD);
  const redeem: (() => Promise<Response>)[] = [];
  for (let i = 0; i < 6; i++) redeem.push(await deviceGrant(approver), await loopbackCode(approver));
  const results = await Promise.all([...redeem.map((r) => r()), EVENTS[event](admin, id)]);
  const minted: string[] = [];
  for (const res of results.slice(0, -1)) if (res.status === 200) minted.push(((await res.json()) as { access_token: string }).access_token);
  for (const token of minted) expect((await t.api("GET", "/auth/me", { token })).status).toBe(401);
  // And nothing approved before may be redeemed afterwards.
  for (const r of redeem) expect((await r()).status).not.toBe(200);
});
