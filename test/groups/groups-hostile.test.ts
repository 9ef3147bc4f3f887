// Hostile callers of the groups API: a non-admin on every admin route, ids of groups the caller is
// not in, a grant to a deleted group, and concurrent adds and removes of one membership.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Group } from "../../src/shared/groups";
import { storeCsv } from "../data/helpers";
import { groupsWorld, makeGroup, manifestNames } from "./helpers";

let w: Awaited<ReturnType<typeof groupsWorld>>;
let secret: Group;
beforeAll(async () => {
  w = await groupsWorld();
  await storeCsv(w.t, "sales", "x\n1\n");
  secret = await makeGroup(w.t, w.admin, "Secret board");
});
afterAll(() => w.t.close());

test("a non-admin (session or PAT) gets 403 on every admin route, and nothing changes", async () => {
  const { t, analystId, analystPat, analystSession, admin } = w;
  const routes: [string, string, unknown?][] = [
    ["POST", "/api/groups", { name: "mine" }],
    ["PATCH", `/api/groups/${secret.id}`, { name: "taken" }],
    ["DELETE", `/api/groups/${secret.id}`],
    ["GET", `/api/groups/${secret.id}/members`],
    ["PUT", `/api/groups/${secret.id}/members/${analystId}`],
    ["DELETE", `/api/groups/${secret.id}/members/${analystId}`],
    ["GET", "/api/datasets/sales/grants"],
    ["PUT", "/api/datasets/sales/grants", { groups: ["everyone"] }],
    ["GET", `/api/users/${analystId}/access`],
  ];
  for (const token of [analystPat, analystSession]) {
    for (const [method, path, body] of routes) {
      const res = await t.api(method, path, { token, body });
      expect([method, path, res.status]).toEqual([method, path, 403]);
    }
  }
  for (const [method, path, body] of routes) expect((await t.api(method, path, { body })).status).toBe(401);
  const groups = (await (await t.api("GET", "/api/groups", { token: admin })).json()) as Group[];
  expect(groups.map((g) => [g.name, g.member_count])).toEqual([
    ["Everyone", 2],
    ["Secret board", 0],
  ]);
  expect(await manifestNames(t, analystPat)).toEqual([]);
});

test("a non-admin sees only the groups they are in: another group's id is 404, the list leaves it out", async () => {
  const { t, analystPat } = w;
  const mine = (await (await t.api("GET", "/api/groups", { token: analystPat })).json()) as Group[];
  expect(mine.map((g) => g.id)).toEqual(["everyone"]);
  const other = await t.api("GET", `/api/groups/${secret.id}`, { token: analystPat });
  expect(other.status).toBe(404);
  expect(await other.text()).not.toContain("Secret board");
  expect((await t.api("GET", "/api/groups/everyone", { token: analystPat })).status).toBe(200);
});

test("a grant to a deleted (or never existing) group is refused and leaves the grants as they were", async () => {
  const { t, admin, analystPat } = w;
  const gone = await makeGroup(t, admin, "Gone");
  await t.api("DELETE", `/api/groups/${gone.id}`, { token: admin });
  for (const groups of [[gone.id], ["everyone", gone.id], ["../../etc"]]) {
    const res = await t.api("PUT", "/api/datasets/sales/grants", { token: admin, body: { groups } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toContain("There is no group");
  }
  expect(await t.ctx.db.query("SELECT * FROM dataset_grants WHERE dataset = 'sales'")).toEqual([]);
  expect(await manifestNames(t, analystPat)).toEqual([]);
  for (const body of [{}, { groups: "everyone" }, { groups: [1] }]) {
    expect((await t.api("PUT", "/api/datasets/sales/grants", { token: admin, body })).status).toBe(422);
  }
  expect((await t.api("PUT", `/api/groups/${gone.id}/members/${w.analystId}`, { token: admin })).status).toBe(404);
  expect((await t.api("PUT", `/api/groups/${secret.id}/members/nobody`, { token: admin })).status).toBe(404);
});

test("concurrent adds and removes of one membership: no 5xx, and the database and the auth state agree afterwards", async () => {
  const { t, admin, analystId, analystPat } = w;
  const team = await makeGroup(t, admin, "Racers");
  await t.api("PUT", "/api/datasets/sales/grants", { token: admin, body: { groups: [team.id] } });
  const path = `/api/groups/${team.id}/members/${analystId}`;
  for (let round = 0; round < 5; round++) {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => t.api(i % 2 ? "DELETE" : "PUT", path, { token: admin })));
    for (const res of answers) expect([200, 204, 404]).toContain(res.status);
    const rows = await t.ctx.db.query("SELECT * FROM group_members WHERE group_id = $1", [team.id]);
    expect(rows.length).toBeLessThanOrEqual(1);
    expect(await manifestNames(t, analystPat)).toEqual(rows.length ? ["sales"] : []);
  }
});
