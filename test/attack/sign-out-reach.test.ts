// Attacker pass on issue 20 (class 2): the events the revocation matrix does not walk, the person's
// own ones: signing out, "end other sessions" and ending one session from /profile. Whatever a
// session approved (a `da` browser-login code, a device grant) must die with it.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { deviceApprovedBy, loopbackApprovedBy } from "../helpers/credentials";

const VICTIM = "victim@example.com";
const PASSWORD = "victim-password-1";
let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
  await t.createUser(VICTIM, PASSWORD, "analyst");
});
afterEach(() => t.close());

type Browser = Awaited<ReturnType<TestApp["browser"]>>;

async function approvals(approver: Browser): Promise<(() => Promise<Response>)[]> {
  return [await deviceApprovedBy(t, approver), await loopbackApprovedBy(t, approver)];
}

const ENDINGS: Record<string, (approver: Browser, other: Browser) => Promise<Response>> = {
  "signing out": (approver) => approver.post("/logout", {}),
  "ending other sessions from another one": (_approver, other) => other.post("/profile/sessions/end-others", { confirm: "yes" }),
  "ending that session from another one": (approver, other) => other.post(`/profile/sessions/${approver.sessionId}/end`, { confirm: "yes" }),
};

test.each(Object.keys(ENDINGS))("%s voids the codes and grants the session approved", async (how) => {
  const approver = await t.browser(VICTIM, PASSWORD);
  const other = await t.browser(VICTIM, PASSWORD);
  const redeem = await approvals(approver);
  expect((await ENDINGS[how]!(approver, other)).status).toBe(303);
  expect((await approver.get("/profile")).status).not.toBe(200);
  for (const r of redeem) expect((await r()).status).not.toBe(200);
});
