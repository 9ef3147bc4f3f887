// /api/groups, members and grants through app.handle: the contract's shapes, Everyone, the rules
// (unique names, built-in Everyone), audit entries with counts, and access that follows a removed
// membership or grant at the very next request of the same session and PAT.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { DatasetGrants, Group, GroupMember, UserAccess } from "../../src/shared/groups";
import type { Me } from "../../src/shared/contract";
import { storeCsv, query } from "../data/helpers";
import { auditOf, groupsWorld, makeGroup, manifestNames } from "./helpers";

let w: Awaited<ReturnType<typeof groupsWorld>>;
beforeAll(async () => {
  w = await groupsWorld();
  await storeCsv(w.t, "sales", "region,amount\neu,1\nus,2\n");
  await storeCsv(w.t, "hr", "name\nx\n");
});
afterAll(() => w.t.close());

test("Everyone is built in: listed with every active user as members, never deleted, no members by hand", async () => {
  const { t, admin, analystId } = w;
  const groups = (await (await t.api("GET", "/api/groups", { token: admin })).json()) as Group[];
  const everyone = groups.find((g) => g.id === "everyone")!;
  expect(everyone).toMatchObject({ name: "Everyone", source: "agnes", member_count: 2 });
  expect(Object.keys(everyone).sort()).toEqual(["created_at", "description", "id", "member_count", "name", "source"]);
  expect((await t.api("DELETE", "/api/groups/everyone", { token: admin })).status).toBe(409);
  expect((await t.api("PUT", `/api/groups/everyone/members/${analystId}`, { token: admin })).status).toBe(409);
  expect((await t.api("DELETE", `/api/groups/everyone/members/${analystId}`, { token: admin })).status).toBe(409);
  const members = (await (await t.api("GET", "/api/groups/everyone/members", { token: admin })).json()) as GroupMember[];
  expect(members.map((m) => m.email).sort()).toEqual(["admin@example.com", "ann@example.com"]);
});

test("create, rename, describe and delete a group; names are unique without case; each change audited", async () => {
  const { t, admin } = w;
  const group = await makeGroup(t, admin, "Finance");
  expect(group).toMatchObject({ name: "Finance", description: "", source: "agnes", member_count: 0 });
  const dup = await t.api("POST", "/api/groups", { token: admin, body: { name: "  finance " } });
  expect(dup.status).toBe(409);
  for (const name of ["", "   ", "a\nb", "x".repeat(201), "Fin\u202Eecnan", "Fin\u200Dance"]) {
    const bad = await t.api("POST", "/api/groups", { token: admin, body: { name } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain("name");
  }
  const renamed = await t.api("PATCH", `/api/groups/${group.id}`, { token: admin, body: { name: "Finance EU", description: "money" } });
  expect(renamed.status).toBe(200);
  expect((await renamed.json()) as Group).toMatchObject({ id: group.id, name: "Finance EU", description: "money" });
  expect((await t.api("PATCH", "/api/groups/nope", { token: admin, body: { name: "x" } })).status).toBe(404);
  expect((await t.api("DELETE", `/api/groups/${group.id}`, { token: admin })).status).toBe(204);
  expect((await t.api("GET", `/api/groups/${group.id}`, { token: admin })).status).toBe(404);
  const actions = await t.ctx.db.query<{ action: string }>("SELECT action FROM audit_log WHERE target = $1 ORDER BY created_at, id", [group.id]);
  expect(actions.map((a) => a.action)).toEqual(["group.create", "group.rename", "group.delete"]);
});

test("a member of a granted group reads the dataset; removing the membership hides it at the next request of the same PAT and session", async () => {
  const { t, admin, analystId, analystPat, analystSession } = w;
  expect(await manifestNames(t, analystPat)).toEqual([]);
  expect((await t.api("GET", "/api/data/sales/download", { token: analystPat })).status).toBe(404);
  expect((await query(t, analystPat, "SELECT count(*) FROM sales")).status).toBe(400); // not there to be named
  const team = await makeGroup(t, admin, "Sales team");
  const added = await t.api("PUT", `/api/groups/${team.id}/members/${analystId}`, { token: admin });
  expect(added.status).toBe(200);
  expect((await added.json()) as GroupMember).toMatchObject({ user_id: analystId, email: "ann@example.com", source: "agnes" });
  const granted = await t.api("PUT", "/api/datasets/sales/grants", { token: admin, body: { groups: [team.id] } });
  expect(granted.status).toBe(200);
  expect((await granted.json()) as DatasetGrants).toEqual({ dataset: "sales", groups: [{ id: team.id, name: "Sales team", source: "agnes" }] });
  expect(await manifestNames(t, analystPat)).toEqual(["sales"]);
  expect(await manifestNames(t, analystSession)).toEqual(["sales"]);
  const read = await query(t, analystPat, "SELECT sum(amount) AS s FROM sales");
  expect(read.status).toBe(200);
  expect(((await read.json()) as { rows: unknown[][] }).rows).toEqual([[3]]);
  expect((await query(t, analystPat, "SELECT * FROM hr")).status).toBe(400); // hr stays out of their sandbox
  expect((await t.api("GET", "/api/data/sales/download", { token: analystPat })).status).toBe(200);
  expect((await t.api("DELETE", `/api/groups/${team.id}/members/${analystId}`, { token: admin })).status).toBe(204);
  expect(await manifestNames(t, analystPat)).toEqual([]);
  expect(await manifestNames(t, analystSession)).toEqual([]);
  expect((await query(t, analystPat, "SELECT count(*) FROM sales")).status).toBe(400);
  const [add] = await auditOf(t, "group.member_add");
  expect(JSON.parse(add!.params)).toMatchObject({ group: "Sales team", user_id: analystId, source: "agnes" });
});

test("taking a grant away hides the dataset at once; admins read every dataset", async () => {
  const { t, admin, analystId, analystPat } = w;
  const team = await makeGroup(t, admin, "HR team");
  await t.api("PUT", `/api/groups/${team.id}/members/${analystId}`, { token: admin });
  await t.api("PUT", "/api/datasets/hr/grants", { token: admin, body: { groups: [team.id] } });
  expect(await manifestNames(t, analystPat)).toEqual(["hr"]);
  expect(await manifestNames(t, admin)).toEqual(["hr", "sales"]);
  await t.api("PUT", "/api/datasets/hr/grants", { token: admin, body: { groups: [] } });
  expect(await manifestNames(t, analystPat)).toEqual([]);
  const grants = await auditOf(t, "dataset.grant");
  expect(JSON.parse(grants.at(-1)!.params)).toEqual({ groups: [], added: [], removed: [team.id] });
});

test("deleting a group removes its memberships and grants (audited with counts); access goes with them", async () => {
  const { t, admin, analystId, analystPat } = w;
  const team = await makeGroup(t, admin, "Doomed");
  await t.api("PUT", `/api/groups/${team.id}/members/${analystId}`, { token: admin });
  await t.api("PUT", "/api/datasets/sales/grants", { token: admin, body: { groups: [team.id, "everyone"] } });
  await t.api("PUT", "/api/datasets/hr/grants", { token: admin, body: { groups: [team.id] } });
  expect(await manifestNames(t, analystPat)).toEqual(["hr", "sales"]);
  expect((await t.api("DELETE", `/api/groups/${team.id}`, { token: admin })).status).toBe(204);
  expect(await manifestNames(t, analystPat)).toEqual(["sales"]); // still through Everyone
  const deleted = (await auditOf(t, "group.delete")).find((a) => a.target === team.id)!;
  expect(JSON.parse(deleted.params)).toEqual({ name: "Doomed", source: "agnes", members: 1, grants: 2 });
  const left = await t.ctx.db.query(
    "SELECT * FROM dataset_grants WHERE group_id = $1 UNION ALL SELECT group_id, user_id, NULL FROM group_members WHERE group_id = $1",
    [team.id],
  );
  expect(left).toEqual([]);
  await t.api("PUT", "/api/datasets/sales/grants", { token: admin, body: { groups: [] } });
});

test("/auth/me lists the caller's groups; /api/users/{id}/access says what they read through which group", async () => {
  const { t, admin, analystId, analystPat } = w;
  const team = await makeGroup(t, admin, "Readers");
  await t.api("PUT", `/api/groups/${team.id}/members/${analystId}`, { token: admin });
  await t.api("PUT", "/api/datasets/sales/grants", { token: admin, body: { groups: [team.id] } });
  const me = (await (await t.api("GET", "/auth/me", { token: analystPat })).json()) as Me;
  expect(me.groups.map((g) => g.name).sort()).toEqual(["Everyone", "HR team", "Readers"]);
  expect(me.groups.find((g) => g.id === team.id)).toEqual({ id: team.id, name: "Readers", source: "agnes", membership: "agnes" });
  const access = (await (await t.api("GET", `/api/users/${analystId}/access`, { token: admin })).json()) as UserAccess;
  expect(access.datasets).toEqual([{ name: "sales", via: team.id, via_name: "Readers" }]);
  expect(access.groups.map((g) => g.name).sort()).toEqual(["Everyone", "HR team", "Readers"]);
  const adminId = (await (await t.api("GET", "/auth/me", { token: admin })).json()) as Me;
  const adminAccess = (await (await t.api("GET", `/api/users/${adminId.id}/access`, { token: admin })).json()) as UserAccess;
  expect(adminAccess.datasets.map((d) => d.via)).toEqual(["admin", "admin"]);
  expect((await t.api("GET", "/api/users/nobody/access", { token: admin })).status).toBe(404);
});

test("deleting a dataset removes its grants; a new one of the same name does not inherit them", async () => {
  const { t, admin, analystPat } = w;
  await storeCsv(t, "temp", "x\n1\n");
  await t.api("PUT", "/api/datasets/temp/grants", { token: admin, body: { groups: ["everyone"] } });
  expect(await manifestNames(t, analystPat)).toContain("temp");
  expect((await t.api("DELETE", "/api/datasets/temp", { token: admin })).status).toBe(204);
  expect(await t.ctx.db.query("SELECT * FROM dataset_grants WHERE dataset = 'temp'")).toEqual([]);
  await storeCsv(t, "temp", "x\n1\n");
  expect(await manifestNames(t, analystPat)).not.toContain("temp");
  expect((await t.api("GET", "/api/datasets/temp/grants", { token: admin })).status).toBe(200);
  expect((await t.api("GET", "/api/datasets/nothere/grants", { token: admin })).status).toBe(404);
});

test("deleting an account removes its memberships from the database and from the in-memory state", async () => {
  const { t, admin } = w;
  const id = await t.createUser("leaver@example.com", "leaver-password-1", "analyst");
  const team = await makeGroup(t, admin, "Leavers");
  await t.api("PUT", `/api/groups/${team.id}/members/${id}`, { token: admin });
  expect((await t.api("DELETE", `/api/users/${id}`, { token: admin })).status).toBe(204);
  expect(await t.ctx.db.query("SELECT * FROM group_members WHERE user_id = $1", [id])).toEqual([]);
  expect(t.ctx.authState.snapshot(t.clock.now()).memberships!.filter((m) => m.userId === id)).toEqual([]);
  expect(((await (await t.api("GET", `/api/groups/${team.id}`, { token: admin })).json()) as Group).member_count).toBe(0);
});
