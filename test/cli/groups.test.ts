// `da admin groups …`, `da admin datasets grant` and `da admin users access` with the compiled
// binary against the real server: a person reads a dataset once their group is granted it, and
// stops at once when they leave the group; --json, --help, refusals and usage errors.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Group, GroupMember, UserAccess } from "../../src/shared/groups";
import type { RunningServer } from "../helpers/server";
import { daBinary, hasStackTrace, runDa, sandbox, type Sandbox } from "../helpers/cli";
import { createUser, daLogin, startAgnes } from "./fixtures";

let server: RunningServer;
let admin: Sandbox;
let person: Sandbox;
let ann: Awaited<ReturnType<typeof createUser>>;
beforeAll(async () => {
  [server] = await Promise.all([startAgnes({ DATASET_DEFAULT_GRANT: "none" }), daBinary()]);
  admin = sandbox();
  person = sandbox();
  await daLogin(admin, server);
  ann = await createUser(server, "analyst", "ann");
  await daLogin(person, server, ann.email, ann.password);
  writeFileSync(join(admin.home, "sales.csv"), "region,amount\nnorth,10\nsouth,20\n");
  expect((await runDa(["admin", "datasets", "load", "sales.csv", "--name", "sales"], { env: admin.env })).code).toBe(0);
});
afterAll(async () => {
  admin?.cleanup();
  person?.cleanup();
  await server?.stop();
});

const da = (box: Sandbox, ...args: string[]) => runDa(args, { env: box.env });
const annQuery = () => da(person, "query", "SELECT sum(amount) AS total FROM sales");

test("create a group, add a person, grant a dataset: they query it; remove them: refused at once", async () => {
  expect((await annQuery()).code).toBe(1);
  const created = await da(admin, "admin", "groups", "create", "Finance", "--description", "money", "--json");
  expect(created.code).toBe(0);
  const group = JSON.parse(created.stdout) as Group;
  expect(group).toMatchObject({ name: "Finance", description: "money", source: "agnes", member_count: 0 });
  const added = await da(admin, "admin", "groups", "add", "finance", ann.email);
  expect(added.stderr).toContain(`Added ${ann.email} to Finance`);
  expect(added.code).toBe(0);
  const members = JSON.parse((await da(admin, "admin", "groups", "members", group.id, "--json")).stdout) as GroupMember[];
  expect(members.map((m) => [m.email, m.source])).toEqual([[ann.email, "agnes"]]);
  const granted = await da(admin, "admin", "datasets", "grant", "sales", "--group", "Finance");
  expect(granted.stderr).toContain("sales is readable by Finance");
  expect(granted.code).toBe(0);
  const read = await annQuery();
  expect(read.stdout).toBe("total\r\n30\r\n");
  const access = JSON.parse((await da(admin, "admin", "users", "access", ann.email, "--json")).stdout) as UserAccess;
  expect(access.datasets).toEqual([{ name: "sales", via: group.id, via_name: "Finance" }]);
  expect((await da(admin, "admin", "users", "access", ann.email)).stdout).toMatch(/sales\s+Finance/);
  expect((await da(admin, "admin", "groups", "remove", "Finance", ann.email)).code).toBe(0);
  const refused = await annQuery();
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("sales");
});

test("list, rename and delete (needs --yes); several --group flags; --none", async () => {
  await da(admin, "admin", "groups", "create", "Ops");
  await da(admin, "admin", "groups", "create", "Sales");
  const both = JSON.parse((await da(admin, "admin", "datasets", "grant", "sales", "--group", "Ops", "--group", "sales", "--json")).stdout);
  expect(both.groups.map((g: { name: string }) => g.name)).toEqual(["Ops", "Sales"]);
  expect((await da(admin, "admin", "datasets", "grant", "sales", "--none")).stderr).toContain("readable by admins only");
  expect((await da(admin, "admin", "groups", "rename", "Ops", "Operations")).stderr).toContain("Renamed Ops to Operations");
  expect((await da(admin, "admin", "groups", "list")).stdout).toMatch(/Operations\s+0\s+agnes/);
  const unconfirmed = await da(admin, "admin", "groups", "delete", "Operations");
  expect(unconfirmed.code).toBe(2);
  expect((await da(admin, "admin", "groups", "delete", "Operations", "--yes")).code).toBe(0);
  expect((await da(admin, "admin", "groups", "list", "--json")).stdout).not.toContain("Operations");
});

test("refusals read as one message with exit 1; usage errors exit 2; --help explains", async () => {
  const unknown = await da(admin, "admin", "datasets", "grant", "sales", "--group", "Nobody");
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain("no group named Nobody");
  const everyone = await da(admin, "admin", "groups", "add", "Everyone", ann.email);
  expect(everyone.code).toBe(1);
  expect(everyone.stderr).toContain("cannot be added or removed by hand");
  const notAdmin = await da(person, "admin", "groups", "create", "Mine");
  expect(notAdmin.code).toBe(1);
  expect(hasStackTrace(notAdmin.stderr)).toBe(false);
  expect((await da(admin, "admin", "datasets", "grant", "sales")).code).toBe(2);
  expect((await da(admin, "admin", "groups", "add", "Finance")).code).toBe(2);
  const help = await da(admin, "admin", "groups", "--help");
  expect(help.stdout + help.stderr).toContain("members");
  const grantHelp = await da(admin, "admin", "datasets", "grant", "--help");
  expect(grantHelp.stdout + grantHelp.stderr).toContain("--group");
  expect(grantHelp.code).toBe(0);
});
