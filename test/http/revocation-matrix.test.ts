// Revocation is a matrix: for every account event × every kind of credential, the credential does
// what REVOCATION_POLICY (src/modules/users/lifecycle.ts) says, checked by using it after the event.
// The rows come from the policy and the columns from CREDENTIAL_KINDS, so a new event or credential
// kind without a way to cause or check it here fails to type-check (the Records below are total).
// The two events only an identity provider causes are walked in test/sso/revocation.test.ts.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { createTestApp, type TestApp } from "../helpers/app";
import { CREDENTIAL_KINDS, REVOCATION_POLICY, type AccountEvent, type CredentialKind } from "../../src/modules/users/lifecycle";
import { recoverAdmin } from "../../src/modules/users/recovery";

const VICTIM = "victim@example.com";
const PASSWORD = "victim-password-1";
const NEW_PASSWORD = "victim-password-2";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

type Browser = Awaited<ReturnType<TestApp["browser"]>>;
type World = { victimId: string; admin: string; actor: Browser };
/** A credential made before the event, and a single use of it afterwards: true when it worked. */
type Check = () => Promise<boolean>;

const bearerWorks = async (token: string) => (await t.api("GET", "/auth/me", { token })).status === 200;

async function approveLoopback(): Promise<Check> {
  const session = await t.browser(VICTIM, PASSWORD);
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const state = randomBytes(16).toString("base64url");
  const fields = { port: "43210", state, code_challenge: challenge, code_challenge_method: "S256", client: "laptop", decision: "authorize" };
  const res = await session.post("/cli/authorize", fields);
  const code = new URL(res.headers.get("location")!).searchParams.get("code");
  expect(code).toBeTruthy();
  return async () => (await t.api("POST", "/auth/cli/token", { body: { code, code_verifier: verifier } })).status === 200;
}

async function approveDevice(): Promise<Check & { response: () => Promise<Response> }> {
  const session = await t.browser(VICTIM, PASSWORD);
  const started = (await (await t.api("POST", "/auth/device/code", { body: { client_name: "ci" } })).json()) as { device_code: string; user_code: string };
  expect((await session.post("/device", { user_code: started.user_code, decision: "authorize" })).status).toBe(303);
  const response = () => t.api("POST", "/auth/device/token", { body: { device_code: started.device_code } });
  return Object.assign(async () => (await response()).status === 200, { response });
}

async function cliSession(): Promise<Check> {
  const redeem = await approveDevice();
  const res = await redeem.response();
  expect(res.status).toBe(200);
  const { access_token } = (await res.json()) as { access_token: string };
  return () => bearerWorks(access_token);
}

async function pat(): Promise<Check> {
  const session = await t.browser(VICTIM, PASSWORD);
  const res = await t.api("POST", "/auth/tokens", { token: session.token, body: { name: "ci" } });
  const { token } = (await res.json()) as { token: string };
  return () => bearerWorks(token);
}

async function resetLink(w: World): Promise<Check> {
  const res = await t.api("POST", `/api/users/${w.victimId}/reset-password`, { token: w.admin });
  const { reset_token } = (await res.json()) as { reset_token: string };
  return async () => (await t.handle(`/auth/password/reset?token=${reset_token}`, { headers: { accept: "text/html" } })).status === 200;
}

/** A new token's one-time reveal, waiting in the session the event's author acts from. */
async function reveal(w: World): Promise<Check> {
  const posted = await w.actor.post("/profile/tokens", { name: "shown-once", expires_in_days: "30" });
  const flash = posted.headers.getSetCookie().find((c) => c.startsWith("flash="))!.split(";")[0]!;
  return async () => /agnes_pat_[A-Za-z0-9_-]{20,}/.test(await (await w.actor.get("/profile", flash)).text());
}

const MAKE: Record<CredentialKind, (w: World) => Promise<Check>> = {
  browser_session: async () => {
    const { cookie } = await t.browser(VICTIM, PASSWORD);
    return async () => (await t.handle("/auth/me", { headers: { cookie } })).status === 200;
  },
  cli_session: cliSession,
  pat,
  loopback_code: approveLoopback,
  device_grant: approveDevice,
  reset_link: resetLink,
  reveal,
};

const adminCall = (w: World, method: string, path: string, body?: unknown) => t.api(method, `/api/users/${w.victimId}${path}`, { token: w.admin, body });

const CAUSE: Record<Exclude<AccountEvent, "group_role_change" | "groups_give_no_role">, (w: World) => Promise<unknown>> = {
  password_change: (w) => w.actor.post("/profile/password", { current_password: PASSWORD, new_password: NEW_PASSWORD, new_password_confirm: NEW_PASSWORD }),
  password_reset: async (w) => {
    const { reset_token } = (await (await adminCall(w, "POST", "/reset-password")).json()) as { reset_token: string };
    const body = new URLSearchParams({ token: reset_token, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD });
    return t.handle("/auth/password/reset", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
  },
  password_set_by_admin: (w) => adminCall(w, "POST", "/set-password", { password: NEW_PASSWORD }),
  // Deactivation, then reactivation: what "ends" must stay dead when the account is back.
  deactivation: async (w) => {
    expect((await adminCall(w, "POST", "/deactivate")).status).toBe(200);
    expect((await adminCall(w, "POST", "/activate")).status).toBe(200);
  },
  role_change: (w) => adminCall(w, "PATCH", "", { role: "viewer" }),
  recovery: () => recoverAdmin({ db: t.ctx.db, clock: t.clock, audit: t.ctx.audit }, VICTIM),
  deletion: (w) => adminCall(w, "DELETE", ""),
};

describe.each(Object.keys(CAUSE) as (keyof typeof CAUSE)[])("%s", (event) => {
  test("every credential made before it does what the policy says", async () => {
    const victimId = await t.createUser(VICTIM, PASSWORD, "analyst");
    const world: World = { victimId, admin: await t.login(), actor: await t.browser(VICTIM, PASSWORD) };
    const checks = new Map<CredentialKind, Check>();
    for (const kind of CREDENTIAL_KINDS) checks.set(kind, await MAKE[kind](world));
    await CAUSE[event](world);
    const policy = REVOCATION_POLICY[event];
    const seen: Record<string, boolean> = {};
    const expected: Record<string, boolean> = {};
    for (const kind of CREDENTIAL_KINDS) {
      seen[kind] = await checks.get(kind)!();
      expected[kind] = policy[kind] !== "ends";
    }
    expect(seen).toEqual(expected);
  });
});

test("the policy has a row for every event and a column for every credential kind", () => {
  for (const row of Object.values(REVOCATION_POLICY)) expect(Object.keys(row).sort()).toEqual([...CREDENTIAL_KINDS].sort());
});
