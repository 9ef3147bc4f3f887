// Revocation is a matrix: for every account event × every kind of credential, the credential does
// what REVOCATION_POLICY (src/modules/users/revocation.ts) says, checked by using it after the event.
// The rows come from the policy and the columns from CREDENTIAL_KINDS, so a new event or credential
// kind without a way to cause or check it here fails to type-check (the Records below are total).
// The two events only an identity provider causes are walked in test/sso/revocation.test.ts.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { MAKE, type Check, type Holder } from "../helpers/credentials";
import { CREDENTIAL_KINDS, REVOCATION_POLICY, type AccountEvent, type CredentialKind } from "../../src/modules/users/revocation";
import { recoverAdmin } from "../../src/modules/users/recovery";

const VICTIM = "victim@example.com";
const PASSWORD = "victim-password-1";
const NEW_PASSWORD = "victim-password-2";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

type World = Holder;

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
  second_factor_reset: (w) => adminCall(w, "POST", "/second-factor/reset"),
  deletion: (w) => adminCall(w, "DELETE", ""),
};

describe.each(Object.keys(CAUSE) as (keyof typeof CAUSE)[])("%s", (event) => {
  test("every credential made before it does what the policy says", async () => {
    const victimId = await t.createUser(VICTIM, PASSWORD, "analyst");
    const session = () => t.browser(VICTIM, PASSWORD);
    const world: World = { t, victimId, admin: await t.login(), session, actor: await session() };
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
