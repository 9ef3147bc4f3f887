// Attacker pass on issue 20 (class 1): README "Group-managed roles follow the provider both ways"
// says "Groups never demote or deactivate the last active admin: that person keeps the admin role,
// the sign-in is refused, and the conflict is audited". For a demotion (the groups now give a lesser
// role, not none) the sign-in is NOT refused: the last admin gets a fresh admin session, with the
// conflict audited. Either the README or the code is wrong.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cookieFrom } from "../helpers/app";
import { auditActions, signInAs, ssoFixture, type SsoFixture } from "../sso/harness";

let f: SsoFixture;
beforeAll(async () => {
  f = await ssoFixture(["corp"], { OIDC_CORP_ALLOWED_DOMAINS: "corp.example", OIDC_CORP_ADMIN_GROUPS: "agnes-admins", OIDC_CORP_ANALYST_GROUPS: "data-team" }, { idTokenClaims: true });
});
afterAll(() => f?.stop());

test("the last active admin demoted by the groups is refused at sign-in, as the README says", async () => {
  f.providers.corp!.accounts.set("olga", { email: "olga@corp.example", email_verified: true, groups: ["agnes-admins"] });
  const olga = cookieFrom(await signInAs(f.t, "corp", "olga"), "access_token")!;
  const others = await f.t.ctx.db.query<{ id: string }>("SELECT id FROM users WHERE role = 'admin' AND active AND email <> 'olga@corp.example'");
  for (const { id } of others) expect((await f.t.api("POST", `/api/users/${id}/deactivate`, { token: olga })).status).toBe(200);

  f.providers.corp!.accounts.set("olga", { email: "olga@corp.example", email_verified: true, groups: ["data-team"] });
  f.t.clock.advance(16 * 60_000);
  const res = await signInAs(f.t, "corp", "olga");
  expect(await auditActions(f.t, "sso.role_conflict")).toContainEqual(expect.objectContaining({ kept: "admin", groups_say: "analyst" }));
  expect(res.status).toBe(403);
});
