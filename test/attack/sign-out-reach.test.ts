// Attacker pass on issue 20 (class 2): the events the revocation matrix does not walk, the person's
// own ones: signing out, "end other sessions" and ending one session from /profile. Whatever a
// session approved (a `da` browser-login code, a device grant) must die with it.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { createTestApp, type TestApp } from "../helpers/app";

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
  const started = (await (await t.api("POST", "/auth/device/code", { body: { client_name: "ci" } })).json()) as { device_code: string; user_code: string };
  expect((await approver.post("/device", { user_code: started.user_code, decision: "authorize" })).status).toBe(303);
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const fields = {
    port: "43210",
    state: randomBytes(16).toString("base64url"),
    code_challenge: challenge,
    code_challenge_method: "S256",
    client: "laptop",
    decision: "authorize",
  };
  const code = new URL((await approver.post("/cli/authorize", fields)).headers.get("location")!).searchParams.get("code");
  return [
    () => t.api("POST", "/auth/device/token", { body: { device_code: started.device_code } }),
    () => t.api("POST", "/auth/cli/token", { body: { code, code_verifier: verifier } }),
  ];
}

const ENDINGS: Record<string, (approver: Browser, other: Browser) => Promise<Response>> = {
  "signing out": (approver) => approver.post("/logout", {}),
  "ending other sessions from another one": (_approver, other) => other.post("/profile/sessions/end-others", {}),
  "ending that session from another one": (approver, other) => other.post(`/profile/sessions/${approver.sessionId}/end`, {}),
};

test.each(Object.keys(ENDINGS))("%s voids the codes and grants the session approved", async (how) => {
  const approver = await t.browser(VICTIM, PASSWORD);
  const other = await t.browser(VICTIM, PASSWORD);
  const redeem = await approvals(approver);
  expect((await ENDINGS[how]!(approver, other)).status).toBe(303);
  expect((await approver.get("/profile")).status).not.toBe(200);
  for (const r of redeem) expect((await r()).status).not.toBe(200);
});
