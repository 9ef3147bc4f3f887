// `da admin groups list|create|rename|delete|members|add|remove`, `da admin datasets grant NAME
// --group G…` (in admin-datasets' group) and `da admin users access <id|email>`: groups and grants
// over /api/groups, /api/datasets/{name}/grants and /api/users/{id}/access. A group is named by its
// id or its name (case-insensitive; a name two groups share must be given as an id).
import type { DatasetGrants, Group as AgnesGroup, GroupMember, UserAccess } from "../../src/shared/groups";
import type { Api } from "../api";
import { JSON_FLAG, YES_FLAG, type Command, type Group } from "../command";
import type { Context } from "../context";
import { CliError, UsageError } from "../errors";
import { done, formatTime, printJson, printLine, printTable, success } from "../output";
import { findUser } from "./user-ref";

const GROUP_REF = "<group>";
const path = (group: AgnesGroup) => `/api/groups/${encodeURIComponent(group.id)}`;
const sourceOf = (source: string) => (source === "agnes" ? "agnes" : `synced (${source})`);

export async function findGroup(api: Api, ref: string): Promise<AgnesGroup> {
  const groups = await api.get<AgnesGroup[]>("/api/groups");
  const byId = groups.find((g) => g.id === ref);
  if (byId) return byId;
  const named = groups.filter((g) => g.name.toLowerCase() === ref.toLowerCase());
  if (named.length === 1) return named[0]!;
  if (named.length > 1)
    throw new CliError(`${named.length} groups are named ${ref}`, `give one's id: ${named.map((g) => `${g.id} (${sourceOf(g.source)})`).join(", ")}`);
  throw new CliError(`no group named ${ref}`, "see `da admin groups list`");
}

async function listGroups(ctx: Context): Promise<void> {
  const groups = await ctx.api().get<AgnesGroup[]>("/api/groups");
  if (ctx.json) return printJson(groups);
  printTable(
    groups,
    [
      { header: "NAME", value: (g) => g.name },
      { header: "MEMBERS", value: (g) => String(g.member_count) },
      { header: "SOURCE", value: (g) => sourceOf(g.source) },
      { header: "ID", value: (g) => g.id },
    ],
    "No groups.",
  );
}

async function createGroup(ctx: Context): Promise<void> {
  const group = await ctx.api().post<AgnesGroup>("/api/groups", { name: ctx.args[0], description: ctx.flag("description") });
  if (ctx.json) return printJson(group);
  success(`Created group ${group.name} (${group.id})`);
}

async function renameGroup(ctx: Context): Promise<void> {
  const api = ctx.api();
  const group = await findGroup(api, ctx.args[0]!);
  const changed = await api.patch<AgnesGroup>(path(group), { name: ctx.args[1] });
  if (ctx.json) return printJson(changed);
  success(`Renamed ${group.name} to ${changed.name}`);
}

async function deleteGroup(ctx: Context): Promise<void> {
  const api = ctx.api();
  const group = await findGroup(api, ctx.args[0]!);
  if (ctx.flags.yes !== true) {
    throw new UsageError(
      `deleting ${group.name} removes its ${group.member_count} memberships and its grants`,
      `run \`da admin groups delete ${ctx.args[0]} --yes\``,
    );
  }
  await api.delete(path(group));
  done(ctx.json, `Deleted group ${group.name}`, { deleted: true, id: group.id, name: group.name });
}

async function listMembers(ctx: Context): Promise<void> {
  const api = ctx.api();
  const members = await api.get<GroupMember[]>(`${path(await findGroup(api, ctx.args[0]!))}/members`, { limit: "500" });
  if (ctx.json) return printJson(members);
  printTable(
    members,
    [
      { header: "EMAIL", value: (m) => m.email },
      { header: "NAME", value: (m) => m.name || "-" },
      { header: "SOURCE", value: (m) => (m.source === "agnes" ? "by hand" : `synced (${m.source})`) },
      { header: "ADDED", value: (m) => formatTime(m.added_at, "-") },
    ],
    "No members.",
  );
}

function changeMembers(add: boolean) {
  return async (ctx: Context): Promise<void> => {
    const api = ctx.api();
    const group = await findGroup(api, ctx.args[0]!);
    const done: { email: string; user_id: string }[] = [];
    for (const ref of ctx.args.slice(1)) {
      const user = await findUser(api, ref);
      await api.request(add ? "PUT" : "DELETE", `${path(group)}/members/${encodeURIComponent(user.id)}`);
      done.push({ email: user.email, user_id: user.id });
      if (!ctx.json) success(`${add ? "Added" : "Removed"} ${user.email} ${add ? "to" : "from"} ${group.name}`);
    }
    if (ctx.json) printJson({ group: group.id, [add ? "added" : "removed"]: done });
  };
}

const command = (name: string, summary: string, run: Command["run"], extra: Partial<Command> = {}): Command => ({
  kind: "command",
  name,
  summary,
  args: GROUP_REF,
  minArgs: 1,
  maxArgs: 1,
  flags: JSON_FLAG,
  run,
  ...extra,
});

export const adminGroupsGroup: Group = {
  kind: "group",
  name: "groups",
  summary: "Groups: who may read which dataset (list, create, rename, delete, members, add, remove)",
  children: [
    command("list", "List groups: name, members, source (agnes or synced from a provider), id", listGroups, { args: undefined, minArgs: 0, maxArgs: 0 }),
    command("create", "Create a group", createGroup, {
      args: "<name>",
      flags: { description: { type: "string", valueName: "text", description: "what the group is for" }, ...JSON_FLAG },
    }),
    command("rename", "Rename a group (a provider's synced groups keep the provider's name)", renameGroup, {
      args: `${GROUP_REF} <new name>`,
      minArgs: 2,
      maxArgs: 2,
    }),
    command("delete", "Delete a group with its memberships and grants (needs --yes)", deleteGroup, { flags: { ...YES_FLAG, ...JSON_FLAG } }),
    command("members", "List a group's members and where each membership came from", listMembers),
    command("add", "Add people (by id or email) to a group", changeMembers(true), { args: `${GROUP_REF} <id|email>...`, minArgs: 2, maxArgs: 1000 }),
    command("remove", "Remove people from a group (synced memberships are the provider's)", changeMembers(false), {
      args: `${GROUP_REF} <id|email>...`,
      minArgs: 2,
      maxArgs: 1000,
    }),
  ],
};

/** `da admin datasets grant NAME --group G…`: the dataset is then readable by exactly these groups (and admins). */
export async function grantDataset(ctx: Context): Promise<void> {
  const given = ctx.flags.group;
  const refs = (Array.isArray(given) ? given : typeof given === "string" ? [given] : []).flatMap((g) => g.split(",")).filter((g) => g.trim());
  if (refs.length === 0 && ctx.flags.none !== true) throw new UsageError("name the groups with --group (repeatable), or --none for admins only");
  if (refs.length > 0 && ctx.flags.none === true) throw new UsageError("--none and --group exclude each other");
  const api = ctx.api();
  const ids: string[] = [];
  for (const ref of refs) ids.push((await findGroup(api, ref.trim())).id);
  const name = ctx.args[0]!;
  const grants = await api.request<DatasetGrants>("PUT", `/api/datasets/${encodeURIComponent(name)}/grants`, { body: { groups: ids } });
  if (ctx.json) return printJson(grants);
  success(`${name} is readable by ${grants.groups.map((g) => g.name).join(", ") || "admins only"}`);
}

async function userAccess(ctx: Context): Promise<void> {
  const api = ctx.api();
  const user = await findUser(api, ctx.args[0]!);
  const access = await api.get<UserAccess>(`/api/users/${encodeURIComponent(user.id)}/access`);
  if (ctx.json) return printJson(access);
  printLine(`${access.email} (${access.role}${access.active ? "" : ", deactivated"})`);
  printLine(`Groups: ${access.groups.map((g) => (g.membership === "agnes" ? g.name : `${g.name} (synced from ${g.membership})`)).join(", ") || "none"}`);
  printTable(
    access.datasets,
    [
      { header: "DATASET", value: (d) => d.name },
      { header: "THROUGH", value: (d) => d.via_name },
    ],
    "Can read no dataset.",
  );
}

/** `da admin users access`: a person's groups and what they can read (in the `users` group, admin-users.ts). */
export const userAccessCommand: Command = {
  kind: "command",
  name: "access",
  summary: "A person's groups and the datasets they can read (view as)",
  args: "<id|email>",
  minArgs: 1,
  maxArgs: 1,
  flags: JSON_FLAG,
  run: userAccess,
};
