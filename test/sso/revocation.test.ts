// The revocation matrix for the two account events only an identity provider causes: its groups
// change a person's role, or give them no role at all. Every credential kind is made first (the
// person signs in through the real provider), then the provider's groups change and the person signs
// in again; each credential then does what REVOCATION_POLICY says. The other events are walked in
// test/http/revocation-matrix.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { cookieFrom } from "../helpers/app";
import { MAKE, type Check, type Holder } from "../helpers/credentials";
import { CREDENTIAL_KINDS, REVOCATION_POLICY, type CredentialKind } from "../../src/modules/users/revocation";
import { signInAs, ssoFixture, type SsoFixture } from "./harness";

let f: SsoFixture;
beforeAll(async () => {
  f = await ssoFixture(
    ["corp"],
    {
      OIDC_CORP_ALLOWED_DOMAINS: "corp.example",
      OIDC_CORP_ADMIN_GROUPS: "agnes-admins",
      OIDC_CORP_ANALYST_GROUPS: "data-team",
    },
    { idTokenClaims: true },
  );
});
afterAll(() => f?.stop());
// Each sign-in draws on the address's failure-free budget; keep the clock moving like a day passing.
beforeEach(() => f.t.clock.advance(16 * 60_000));

const setGroups = (sub: string, groups: string[]) => f.providers.corp!.accounts.set(sub, { email: `${sub}@corp.example`, email_verified: true, groups });

async function ssoSession(sub: string) {
  const res = await signInAs(f.t, "corp", sub);
  expect(res.status).toBe(303);
  return f.t.browserWith(cookieFrom(res, "access_token")!);
}

const EVENTS = {
  group_role_change: { before: ["agnes-admins"], after: ["data-team"], status: 303 },
  groups_give_no_role: { before: ["data-team"], after: ["marketing"], status: 403 },
} as const;

describe.each(Object.keys(EVENTS) as (keyof typeof EVENTS)[])("%s", (event) => {
  test("every credential made before it does what the policy says", async () => {
    const sub = `person-${event.replaceAll("_", "-")}`;
    setGroups(sub, [...EVENTS[event].before]);
    const first = await ssoSession(sub);
    const victimId = ((await (await f.t.api("GET", "/auth/me", { token: first.token })).json()) as { id: string }).id;
    const holder: Holder = { t: f.t, victimId, admin: await f.t.login(), session: () => ssoSession(sub), actor: first };
    const checks = new Map<CredentialKind, Check>();
    for (const kind of CREDENTIAL_KINDS) checks.set(kind, await MAKE[kind](holder));

    setGroups(sub, [...EVENTS[event].after]);
    expect((await signInAs(f.t, "corp", sub)).status).toBe(EVENTS[event].status);

    const seen: Record<string, boolean> = {};
    const expected: Record<string, boolean> = {};
    for (const kind of CREDENTIAL_KINDS) {
      seen[kind] = await checks.get(kind)!();
      expected[kind] = REVOCATION_POLICY[event][kind] === "keeps";
    }
    expect(seen).toEqual(expected);
  });
});
