// Attacker pass on issue 20 (class 1): the README said the last active admin demoted by the groups
// was refused at sign-in, while the code signed them in as admin. The README now says what the code
// does, and this test holds both to it: a lesser role keeps the admin signing in as admin; no role
// refuses the sign-in; the account stays active and admin either way, and the conflict is audited.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cookieFrom } from "../helpers/app";
import { auditActions, signInAs, ssoFixture, type SsoFixture } from "../sso/harness";

let f: SsoFixture;
beforeAll(async () => {
  f = await ssoFixture(
    ["corp"],
    { OIDC_CORP_ALLOWED_DOMAINS: "corp.example", OIDC_CORP_ADMIN_GROUPS: "agnes-admins", OIDC_CORP_ANALYST_GROUPS: "data-team" },
    { idTokenClaims: true },
  );
});
afterAll(() => f?.stop());

test("the last active admin demoted by the groups keeps admin and signs in; with no role, is refused but stays", async () => {
  f.providers.corp!.accounts.set("olga", { email: "olga@corp.example", email_verified: true, groups: ["agnes-admins"] });
  const olga = cookieFrom(await signInAs(f.t, "corp", "olga"), "access_token")!;
  const others = await f.t.ctx.db.query<{ id: string }>("SELECT id FROM users WHERE role = 'admin' AND active AND email <> 'olga@corp.example'");
  for (const { id } of others) expect((await f.t.api("POST", `/api/users/${id}/deactivate`, { token: olga })).status).toBe(200);

  f.providers.corp!.accounts.set("olga", { email: "olga@corp.example", email_verified: true, groups: ["data-team"] });
  f.t.clock.advance(16 * 60_000);
  const res = await signInAs(f.t, "corp", "olga");
  expect(await auditActions(f.t, "sso.role_conflict")).toContainEqual(expect.objectContaining({ kept: "admin", groups_say: "analyst" }));
  expect(res.status).toBe(303);
  expect(await (await f.t.api("GET", "/auth/me", { token: cookieFrom(res, "access_token")! })).json()).toMatchObject({ role: "admin" });

  f.providers.corp!.accounts.set("olga", { email: "olga@corp.example", email_verified: true, groups: [] });
  f.t.clock.advance(16 * 60_000);
  expect((await signInAs(f.t, "corp", "olga")).status).toBe(403);
  expect(await auditActions(f.t, "sso.role_conflict")).toContainEqual(expect.objectContaining({ kept: "admin", groups_say: "none" }));
  const [row] = await f.t.ctx.db.query<{ role: string; active: boolean }>("SELECT role, active FROM users WHERE email = 'olga@corp.example'");
  expect(row).toEqual({ role: "admin", active: true });
});
