// The groups pages through app.handle, as a browser without JavaScript uses them: forms with the
// CSRF field, POST → 303 → GET with a flash, the confirm step, escaping, and who may open them.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Group } from "../../src/shared/groups";
import { storeCsv } from "../data/helpers";
import { groupsWorld, manifestNames } from "./helpers";

let w: Awaited<ReturnType<typeof groupsWorld>>;
let admin: Awaited<ReturnType<typeof w.t.browser>>;
beforeAll(async () => {
  w = await groupsWorld();
  await storeCsv(w.t, "sales", "x\n1\n");
  admin = await w.t.browser();
});
afterAll(() => w.t.close());

const groupNamed = async (name: string) => ((await (await w.t.api("GET", "/api/groups", { token: w.admin })).json()) as Group[]).find((g) => g.name === name)!;

test("an admin creates a group, finds a person, adds them, grants a dataset, and removes them — all by forms", async () => {
  const { t, analystId, analystPat } = w;
  expect(await admin.submit("/admin/groups", { name: "<b>Finance</b>", description: "money" })).toContain("Group &lt;b&gt;Finance&lt;/b&gt; created.");
  const group = await groupNamed("<b>Finance</b>");
  const page = await (await admin.get(`/admin/groups/${group.id}?q=ann`)).text();
  expect(page).toContain("<h1>&lt;b&gt;Finance&lt;/b&gt;</h1>");
  expect(page).not.toContain("><b>Finance</b>"); // never as markup (inside a quoted attribute value it is text)
  expect(page).toContain(`value="${analystId}"`);
  expect(await admin.submit(`/admin/groups/${group.id}/members`, { user_id: analystId })).toContain("ann@example.com is a member.");
  const grants = await (await admin.get("/admin/datasets/sales/grants")).text();
  expect(grants).toContain(`name="grant:${group.id}"`);
  expect(await admin.submit("/admin/datasets/sales/grants", { [`grant:${group.id}`]: "yes" })).toContain("sales is readable by &lt;b&gt;Finance&lt;/b&gt;.");
  expect(await manifestNames(t, analystPat)).toEqual(["sales"]);
  expect(await (await admin.get("/admin/datasets")).text()).toContain("&lt;b&gt;Finance&lt;/b&gt;");
  const person = await (await admin.get(`/admin/users/${analystId}`)).text();
  expect(person).toContain(`/admin/users/${analystId}/access`);
  expect(person).toContain("&lt;b&gt;Finance&lt;/b&gt;");
  const access = await (await admin.get(`/admin/users/${analystId}/access`)).text();
  expect(access).toContain("sales");
  expect(await admin.submit(`/admin/groups/${group.id}/members/${analystId}/remove`, {})).toContain("ann@example.com was removed.");
  expect(await manifestNames(t, analystPat)).toEqual([]);
});

test("every form refuses a missing or wrong CSRF token, and nothing changes", async () => {
  const before = await w.t.ctx.db.query("SELECT count(*) AS n FROM groups");
  for (const csrf of ["", "wrong"]) {
    const res = await admin.post("/admin/groups", { name: "Nope", _csrf: csrf });
    expect(res.status).toBe(403);
  }
  expect(await w.t.ctx.db.query("SELECT count(*) AS n FROM groups")).toEqual(before);
});

test("rename, then delete with a confirm step; Everyone has no delete and no add form", async () => {
  await admin.submit("/admin/groups", { name: "Temp" });
  const group = await groupNamed("Temp");
  expect(await admin.submit(`/admin/groups/${group.id}/edit`, { name: "Temp 2", description: "" })).toContain("Group Temp 2 saved.");
  const confirm = await admin.post(`/admin/groups/${group.id}/delete`, {});
  expect(confirm.status).toBe(200);
  expect(await confirm.text()).toContain("Delete group");
  expect(await admin.submit(`/admin/groups/${group.id}/delete`, { confirm: "yes" })).toContain("Group deleted.");
  const everyone = await (await admin.get("/admin/groups/everyone")).text();
  expect(everyone).not.toContain("Delete group");
  expect(everyone).not.toContain("Search people");
  expect(await admin.submit(`/admin/groups/everyone/members`, { user_id: w.analystId })).toContain("cannot be added or removed by hand");
});

test("a non-admin gets 403 on the admin pages; /profile lists their own groups", async () => {
  const ann = await w.t.browser("ann@example.com", "ann-password-1");
  for (const path of ["/admin/groups", "/admin/groups/everyone", "/admin/datasets/sales/grants", `/admin/users/${w.analystId}/access`]) {
    expect((await ann.get(path)).status).toBe(403);
  }
  expect((await ann.post("/admin/groups", { name: "mine" })).status).toBe(403);
  await admin.submit("/admin/groups", { name: "Visible team" });
  const team = await groupNamed("Visible team");
  await admin.submit(`/admin/groups/${team.id}/members`, { user_id: w.analystId });
  const profile = await (await ann.get("/profile")).text();
  expect(profile).toContain("Everyone, Visible team");
});
