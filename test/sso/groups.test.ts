// Roles from the provider's groups: applied at every sign-in, highest wins, none → refused, admins
// cannot override them, and the last active admin is never demoted by a group change.
// This provider puts email and groups into the ID token itself (like Google), so no userinfo call.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cookieFrom } from "../helpers/app";
import { auditActions, signInAs, ssoFixture, whoAmI, type SsoFixture } from "./harness";

let f: SsoFixture;
beforeAll(async () => {
  f = await ssoFixture(
    ["corp"],
    {
      OIDC_CORP_ALLOWED_DOMAINS: "corp.example",
      OIDC_CORP_GROUPS_CLAIM: "groups",
      OIDC_CORP_ADMIN_GROUPS: "agnes-admins",
      OIDC_CORP_ANALYST_GROUPS: "agnes-analysts,data-team",
      OIDC_CORP_VIEWER_GROUPS: "everyone",
    },
    { idTokenClaims: true },
  );
});
afterAll(() => f?.stop());

const setGroups = (sub: string, email: string, groups: string[]) => f.providers.corp!.accounts.set(sub, { email, email_verified: true, groups });

test("the role follows the groups at every sign-in; a changed role ends the old sessions", async () => {
  setGroups("sub-ann", "ann@corp.example", ["everyone", "data-team"]);
  const first = await signInAs(f.t, "corp", "sub-ann");
  expect((await whoAmI(f.t, first)).role).toBe("analyst");

  setGroups("sub-ann", "ann@corp.example", ["everyone", "agnes-admins"]);
  const second = await signInAs(f.t, "corp", "sub-ann");
  const me = await whoAmI(f.t, second);
  expect(me.role).toBe("admin");
  expect((await f.t.api("GET", "/auth/me", { token: cookieFrom(first, "access_token")! })).status).toBe(401);
  expect(await auditActions(f.t, "user.update")).toContainEqual(
    expect.objectContaining({ via: "oidc_groups", provider: "corp", role: { from: "analyst", to: "admin" } }),
  );

  setGroups("sub-ann", "ann@corp.example", ["everyone"]);
  expect((await whoAmI(f.t, await signInAs(f.t, "corp", "sub-ann"))).role).toBe("viewer");
});

test("in none of the mapped groups → refused with a clear page, and the account keeps its role", async () => {
  setGroups("sub-bob", "bob@corp.example", ["data-team"]);
  const bob = await whoAmI(f.t, await signInAs(f.t, "corp", "sub-bob"));
  setGroups("sub-bob", "bob@corp.example", ["marketing"]);
  const res = await signInAs(f.t, "corp", "sub-bob");
  expect(res.status).toBe(403);
  expect(await res.text()).toContain("in none of the groups that may use Agnes");
  const [row] = await f.t.ctx.db.query<{ role: string }>("SELECT role FROM users WHERE id = $1", [bob.id]);
  expect(row!.role).toBe("analyst");
  expect(await auditActions(f.t, "auth.login_refused")).toContainEqual(expect.objectContaining({ reason: "no_matching_group" }));

  setGroups("sub-carl", "carl@corp.example", []);
  expect((await signInAs(f.t, "corp", "sub-carl")).status).toBe(403);
  expect(await f.t.ctx.db.query("SELECT id FROM users WHERE email = 'carl@corp.example'")).toEqual([]);
});

test("admins cannot change a group-managed role; the users page says who manages it and how people sign in", async () => {
  setGroups("sub-dora", "dora@corp.example", ["data-team"]);
  const dora = await whoAmI(f.t, await signInAs(f.t, "corp", "sub-dora"));
  const admin = await f.t.login();
  const res = await f.t.api("PATCH", `/api/users/${dora.id}`, { token: admin, body: { role: "admin" } });
  expect(res.status).toBe(409);
  expect(((await res.json()) as { detail: string }).detail).toBe("The role of dora@corp.example is managed by Corp: change their groups there");
  expect((await f.t.api("PATCH", `/api/users/${dora.id}`, { token: admin, body: { name: "Dora" } })).status).toBe(200);

  const page = await (await (await f.t.browser()).get(`/admin/users/${dora.id}`)).text();
  expect(page).toContain("Role managed by Corp");
  expect(page).not.toContain(`/admin/users/${dora.id}/role`);
  expect(page).toContain("last SSO");
  const adminId = ((await (await f.t.api("GET", "/auth/me", { token: admin })).json()) as { id: string }).id;
  const adminPage = await (await (await f.t.browser()).get(`/admin/users/${adminId}`)).text();
  expect(adminPage).toMatch(/<span class="sign-in"><span class="method">password<\/span>/);
});

test("groups that would demote the last active admin are refused: old role kept, conflict audited and logged", async () => {
  setGroups("sub-erin", "erin@corp.example", ["agnes-admins"]);
  const erinSession = await signInAs(f.t, "corp", "sub-erin");
  const erin = await whoAmI(f.t, erinSession);
  expect(erin.role).toBe("admin");
  // Every other admin is deactivated, so Erin is the last active admin.
  const admins = await f.t.ctx.db.query<{ id: string }>("SELECT id FROM users WHERE role = 'admin' AND active AND id <> $1", [erin.id]);
  for (const { id } of admins) {
    const res = await f.t.api("POST", `/api/users/${id}/deactivate`, { token: cookieFrom(erinSession, "access_token")! });
    expect(res.status).toBe(200);
  }

  setGroups("sub-erin", "erin@corp.example", ["everyone"]);
  const res = await signInAs(f.t, "corp", "sub-erin");
  expect(res.status).toBe(303);
  expect((await whoAmI(f.t, res)).role).toBe("admin");
  expect(await auditActions(f.t, "sso.role_conflict")).toContainEqual(expect.objectContaining({ provider: "corp", kept: "admin", groups_say: "viewer" }));
  expect(f.t.log.lines.some((l) => l.includes("sso.role_conflict"))).toBe(true);
});
