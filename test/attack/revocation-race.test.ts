// Attacker pass on issue 20 (class 2): redeeming `da` sign-ins concurrently with the revoking event.
// Whatever order the database queue picks, no CLI session minted from a code or grant approved by a
// session that the event ends may work once both have finished.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { createTestApp, type TestApp } from "../helpers/app";

const VICTIM = "victim@example.com";
const PASSWORD = "victim-password-1";
let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

type Browser = Awaited<ReturnType<TestApp["browser"]>>;

async function deviceGrant(approver: Browser): Promise<() => Promise<Response>> {
  const started = (await (await t.api("POST", "/auth/device/code", { body: { client_name: "ci" } })).json()) as { device_code: string; user_code: string };
  expect((await approver.post("/device", { user_code: started.user_code, decision: "authorize" })).status).toBe(303);
  return () => t.api("POST", "/auth/device/token", { body: { device_code: started.device_code } });
}

async function loopbackCode(approver: Browser): Promise<() => Promise<Response>> {
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
  return () => t.api("POST", "/auth/cli/token", { body: { code, code_verifier: verifier } });
}

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
