// Identity-provider group sync against a real oidc-provider on loopback: sign-ins with changing
// groups claims create, join and leave the provider's groups; hand-made memberships survive; an
// admin gets 409 on a synced membership; the claim may be a string, an array or absent; a claim
// over OIDC_GROUP_LIMIT refuses the sign-in with a clear page and changes nothing.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Group, GroupMember } from "../../src/shared/groups";
import type { Me } from "../../src/shared/contract";
import { cookieFrom } from "../helpers/app";
import { auditActions, signInAs, ssoFixture, whoAmI, type SsoFixture } from "./harness";
import type { TestAccount } from "./test-provider";

let f: SsoFixture;
let admin: string;
beforeAll(async () => {
  f = await ssoFixture(
    ["corp"],
    { OIDC_CORP_ALLOWED_DOMAINS: "corp.example", OIDC_CORP_GROUP_SYNC: "on", OIDC_CORP_GROUP_FILTER: "^(?!ignored-)", OIDC_GROUP_LIMIT: "50" },
    { idTokenClaims: true },
  );
  admin = await f.t.login();
});
afterAll(() => f?.stop());

const setGroups = (sub: string, groups: TestAccount["groups"]) =>
  f.providers.corp!.accounts.set(sub, { email: `${sub}@corp.example`, email_verified: true, ...(groups === undefined ? {} : { groups }) });

async function signIn(sub: string): Promise<Me> {
  const res = await signInAs(f.t, "corp", sub);
  const me = await f.t.api("GET", "/auth/me", { token: cookieFrom(res, "access_token")! });
  return (await me.json()) as Me;
}
const synced = (me: Me) =>
  me.groups
    .filter((g) => g.source === "corp")
    .map((g) => `${g.name}:${g.membership}`)
    .sort();
const corpGroups = async () => ((await (await f.t.api("GET", "/api/groups", { token: admin })).json()) as Group[]).filter((g) => g.source === "corp");

test("sign-ins create the provider's groups on first sight, and join and leave them as the claim changes", async () => {
  setGroups("ann", ["finance", "sales", "ignored-noise"]);
  expect(synced(await signIn("ann"))).toEqual(["finance:corp", "sales:corp"]);
  expect((await corpGroups()).map((g) => g.name).sort()).toEqual(["finance", "sales"]);
  setGroups("ann", ["Sales", "hr"]);
  expect(synced(await signIn("ann"))).toEqual(["hr:corp", "sales:corp"]);
  expect((await corpGroups()).map((g) => [g.name, g.member_count]).sort()).toEqual([
    ["finance", 0],
    ["hr", 1],
    ["sales", 1],
  ]);
  const removed = await auditActions(f.t, "group.member_remove");
  expect(removed).toContainEqual(expect.objectContaining({ group: "finance", email: "ann@corp.example", source: "corp" }));
  expect(await auditActions(f.t, "group.create")).toContainEqual({ name: "hr", source: "corp" });
});

test("hand-made memberships survive sync; an admin cannot change a synced membership (409, managed by the provider)", async () => {
  setGroups("bob", ["finance"]);
  const bob = await signIn("bob");
  const finance = (await corpGroups()).find((g) => g.name === "finance")!;
  const local = (await (await f.t.api("POST", "/api/groups", { token: admin, body: { name: "Local" } })).json()) as Group;
  const hr = (await corpGroups()).find((g) => g.name === "hr")!;
  expect((await f.t.api("PUT", `/api/groups/${local.id}/members/${bob.id}`, { token: admin })).status).toBe(200);
  expect((await f.t.api("PUT", `/api/groups/${hr.id}/members/${bob.id}`, { token: admin })).status).toBe(200); // by hand, in a synced group
  for (const method of ["PUT", "DELETE"]) {
    const res = await f.t.api(method, `/api/groups/${finance.id}/members/${bob.id}`, { token: admin });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain("managed by Corp");
  }
  const renamed = await f.t.api("PATCH", `/api/groups/${finance.id}`, { token: admin, body: { name: "Money" } });
  expect(renamed.status).toBe(409);
  const browser = await f.t.browser();
  const page = await (await browser.get(`/admin/groups/${finance.id}`)).text();
  expect(page).toContain("managed by Corp");
  expect(page).toContain("The name is managed by Corp.");
  expect(page).not.toContain(`/members/${bob.id}/remove`);
  expect(await browser.submit(`/admin/groups/${finance.id}/members/${bob.id}/remove`, {})).toContain("is managed by Corp");
  setGroups("bob", []);
  const after = await signIn("bob");
  expect(after.groups.map((g) => `${g.name}:${g.membership}`).sort()).toEqual(["Everyone:agnes", "Local:agnes", "hr:agnes"]);
  const members = (await (await f.t.api("GET", `/api/groups/${hr.id}/members`, { token: admin })).json()) as GroupMember[];
  expect(members.find((m) => m.user_id === bob.id)?.source).toBe("agnes");
});

test("the claim may be one string, an array or absent (absent: every synced membership is left)", async () => {
  setGroups("cat", "finance");
  expect(synced(await signIn("cat"))).toEqual(["finance:corp"]);
  setGroups("cat", ["finance", "sales"]);
  expect(synced(await signIn("cat"))).toEqual(["finance:corp", "sales:corp"]);
  setGroups("cat", undefined);
  expect(synced(await signIn("cat"))).toEqual([]);
});

test("a claim over OIDC_GROUP_LIMIT refuses the sign-in with a clear page, audited, and changes nothing", async () => {
  setGroups("dan", ["finance"]);
  const dan = await signIn("dan");
  setGroups(
    "dan",
    Array.from({ length: 51 }, (_, i) => `team-${i}`),
  );
  const res = await signInAs(f.t, "corp", "dan");
  expect(res.status).toBe(403);
  const page = await res.text();
  expect(page).toContain("sent more groups for you than Agnes accepts (at most 50)");
  expect(cookieFrom(res, "access_token")).toBeFalsy();
  expect(await auditActions(f.t, "auth.login_refused")).toContainEqual(expect.objectContaining({ reason: "group_overage", provider: "corp" }));
  expect((await corpGroups()).some((g) => g.name.startsWith("team-"))).toBe(false);
  const access = await f.t.api("GET", `/api/users/${dan.id}/access`, { token: admin });
  expect(((await access.json()) as { groups: { name: string }[] }).groups.map((g) => g.name).sort()).toEqual(["Everyone", "finance"]);
  setGroups(
    "dan",
    Array.from({ length: 50 }, (_, i) => `team-${i}`),
  );
  expect((await whoAmI(f.t, await signInAs(f.t, "corp", "dan"))).id).toBe(dan.id);
});
