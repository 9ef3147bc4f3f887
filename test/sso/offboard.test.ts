// Group-managed roles follow the provider both ways (issue 20, part 3): a person whose groups no
// longer give any role is refused AND loses their existing sessions and tokens at once; a demotion
// reaches tokens at once; an Agnes admin can always deactivate a group-managed person or detach them
// from the groups, never blocked by the "managed by the provider" 409.
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { cookieFrom } from "../helpers/app";
import { auditActions, signInAs, ssoFixture, whoAmI, type SsoFixture } from "./harness";

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
beforeEach(() => f.t.clock.advance(16 * 60_000));

const setGroups = (sub: string, groups: string[]) => f.providers.corp!.accounts.set(sub, { email: `${sub}@corp.example`, email_verified: true, groups });

/** Signs `sub` in and makes a PAT with that session; returns both credentials. */
async function signedInWithToken(sub: string): Promise<{ id: string; session: string; pat: string }> {
  const res = await signInAs(f.t, "corp", sub);
  const session = cookieFrom(res, "access_token")!;
  const made = await f.t.api("POST", "/auth/tokens", { token: session, body: { name: "ci" } });
  expect(made.status).toBe(201);
  return { id: (await whoAmI(f.t, res)).id, session, pat: ((await made.json()) as { token: string }).token };
}

test("an admin removed from every mapped group is refused, and their session and PAT stop on the very next request", async () => {
  setGroups("olga", ["agnes-admins"]);
  const olga = await signedInWithToken("olga");
  expect((await f.t.api("GET", "/api/users", { token: olga.pat })).status).toBe(200);

  setGroups("olga", ["marketing"]);
  const res = await signInAs(f.t, "corp", "olga");
  expect(res.status).toBe(403);
  expect(await res.text()).toContain("Your Agnes account was deactivated");
  for (const credential of [olga.session, olga.pat]) expect((await f.t.api("GET", "/auth/me", { token: credential })).status).toBe(401);
  expect(await auditActions(f.t, "user.deactivate")).toContainEqual(
    expect.objectContaining({ email: "olga@corp.example", via: "oidc_groups", provider: "corp" }),
  );
  // Back in a group, they stay out until an admin activates the account.
  setGroups("olga", ["agnes-admins"]);
  expect((await signInAs(f.t, "corp", "olga")).status).toBe(403);
});

test("a demotion by the groups reaches the person's PATs at once", async () => {
  setGroups("pia", ["agnes-admins"]);
  const pia = await signedInWithToken("pia");
  setGroups("pia", ["data-team"]);
  expect((await signInAs(f.t, "corp", "pia")).status).toBe(303);
  expect((await f.t.api("GET", "/api/users", { token: pia.pat })).status).toBe(403);
  expect(await (await f.t.api("GET", "/auth/me", { token: pia.pat })).json()).toMatchObject({ role: "analyst" });
});

test("an admin can always deactivate a group-managed person; detaching them lets admins set the role", async () => {
  const admin = await f.t.login();
  setGroups("rita", ["data-team"]);
  const rita = await signedInWithToken("rita");
  expect((await f.t.api("PATCH", `/api/users/${rita.id}`, { token: admin, body: { role: "viewer" } })).status).toBe(409);

  const detached = await f.t.api("POST", `/api/users/${rita.id}/detach-groups`, { token: admin });
  expect(detached.status).toBe(200);
  expect(await detached.json()).toMatchObject({ id: rita.id, role: "analyst" });
  expect(await auditActions(f.t, "sso.groups_detached")).toContainEqual(expect.objectContaining({ email: "rita@corp.example" }));
  expect((await f.t.api("PATCH", `/api/users/${rita.id}`, { token: admin, body: { role: "viewer" } })).status).toBe(200);
  // Sign-ins no longer change the role, nor refuse a person in no mapped group.
  setGroups("rita", ["agnes-admins"]);
  expect((await whoAmI(f.t, await signInAs(f.t, "corp", "rita"))).role).toBe("viewer");
  setGroups("rita", []);
  expect((await signInAs(f.t, "corp", "rita")).status).toBe(303);

  setGroups("sam", ["agnes-admins"]);
  const sam = await signedInWithToken("sam");
  expect((await f.t.api("POST", `/api/users/${sam.id}/deactivate`, { token: admin })).status).toBe(200);
  for (const credential of [sam.session, sam.pat]) expect((await f.t.api("GET", "/auth/me", { token: credential })).status).toBe(401);
});

test("the person page offers detach for a group-managed person, and the form works", async () => {
  setGroups("tom", ["data-team"]);
  const tom = await signedInWithToken("tom");
  const browser = await f.t.browser();
  const page = await (await browser.get(`/admin/users/${tom.id}`)).text();
  expect(page).toContain(`action="/admin/users/${tom.id}/detach-groups"`);
  const after = await browser.submit(`/admin/users/${tom.id}/detach-groups`, { back: `/admin/users/${tom.id}` });
  expect(after).toContain("tom@corp.example is detached from the provider");
  expect(after).toContain(`action="/admin/users/${tom.id}/role/confirm"`);
});

test("the last active admin losing every group is kept (a conflict, audited), but refused", async () => {
  setGroups("uma", ["agnes-admins"]);
  const uma = await signedInWithToken("uma");
  const admins = await f.t.ctx.db.query<{ id: string }>("SELECT id FROM users WHERE role = 'admin' AND active AND id <> $1", [uma.id]);
  for (const { id } of admins) expect((await f.t.api("POST", `/api/users/${id}/deactivate`, { token: uma.session })).status).toBe(200);
  setGroups("uma", []);
  expect((await signInAs(f.t, "corp", "uma")).status).toBe(403);
  expect((await f.t.api("GET", "/auth/me", { token: uma.pat })).status).toBe(200);
  expect(await auditActions(f.t, "sso.role_conflict")).toContainEqual(expect.objectContaining({ kept: "admin", groups_say: "none", why: "last active admin" }));
});
