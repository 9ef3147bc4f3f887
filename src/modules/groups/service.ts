// Groups and their members, as admins change them (API, pages, `da admin groups`). Each change is
// one transaction with its audit entry; the in-memory auth state follows from the repository's
// effects, so a removed membership counts from the next request. Rules: names are unique per source
// (without case); Everyone is built in (never deleted, no members by hand); a group an identity
// provider keeps in step keeps the provider's name, and memberships that provider made are changed
// only by its sign-ins (409 "managed by <label>"). Service accounts are users, so they join alike.
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import type { Queryable, Transaction } from "../../db/database";
import { BadRequest, Conflict, NotFound } from "../../shared/errors";
import { EVERYONE_ID, GROUP_DESCRIPTION_MAX, GROUP_NAME_MAX, LOCAL_SOURCE, type Group, type GroupMember } from "../../shared/groups";
import { assertStillAdmin, listUsers, type AdminCall } from "../users/service";
import { findUser } from "../users/directory";
import {
  deleteGrantsOfGroup,
  deleteGroupRow,
  deleteMembersOfGroup,
  findGroupByName,
  findGroupRow,
  insertGroup,
  listGroupRows,
  listMemberRows,
  updateGroup,
  type GroupRow,
} from "./repository";
import { addMembership, providerLabel, removeMembership } from "./memberships";

export { providerLabel } from "./memberships";

/** Everyone's member count is the number of active users; the others count their rows. */
async function everyoneCount(ctx: AppContext): Promise<number> {
  return (await listUsers(ctx, { active: true, limit: 1 })).total;
}

export function toGroup(row: GroupRow, everyone: number): Group {
  const { id, name, description, source } = row;
  return { id, name, description, source, member_count: id === EVERYONE_ID ? everyone : row.member_count, created_at: row.created_at.toISOString() };
}

/** Admins see every group; anyone else only the groups they are in (another group's id is 404). */
export async function listGroups(ctx: AppContext, me: Principal): Promise<Group[]> {
  const everyone = await everyoneCount(ctx);
  const rows = await listGroupRows(ctx.db);
  const mine = me.user.role === "admin" ? null : new Set(ctx.authState.groups.groupsOf(me.user).map((g) => g.group.id));
  return rows.filter((row) => !mine || mine.has(row.id)).map((row) => toGroup(row, everyone));
}

export async function getGroup(ctx: AppContext, me: Principal, id: string): Promise<Group> {
  const row = await findGroupRow(ctx.db, id);
  const visible = me.user.role === "admin" || ctx.authState.groups.groupsOf(me.user).some((g) => g.group.id === id);
  if (!row || !visible) throw new NotFound(`There is no group with id ${id}`);
  return toGroup(row, await everyoneCount(ctx));
}

export async function findGroupOr404(q: Queryable, id: string): Promise<GroupRow> {
  const row = await findGroupRow(q, id);
  if (!row) throw new NotFound(`There is no group with id ${id}`);
  return row;
}

// Control and format characters (line breaks, NUL, bidi overrides, zero-width joiners) never belong
// in a name: they would make one group's name look like another's.
export const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

export function checkGroupName(raw: string): string {
  const name = raw.normalize("NFC").trim();
  if (name === "") throw new BadRequest("A group needs a name");
  if (name.length > GROUP_NAME_MAX) throw new BadRequest(`A group name is at most ${GROUP_NAME_MAX} characters`);
  if (INVISIBLE.test(name)) throw new BadRequest("A group name cannot contain control or invisible formatting characters");
  return name;
}

function checkDescription(raw: string | undefined): string {
  const text = (raw ?? "").normalize("NFC").trim();
  if (text.length > GROUP_DESCRIPTION_MAX) throw new BadRequest(`A description is at most ${GROUP_DESCRIPTION_MAX} characters`);
  if (/[\p{Cc}]/u.test(text.replace(/[\n\t]/g, ""))) throw new BadRequest("A description cannot contain control characters");
  return text;
}

const nameTaken = (name: string) => new Conflict(`A group named ${name} already exists`);

export async function createGroup(ctx: AppContext, call: AdminCall, input: { name: string; description?: string }): Promise<Group> {
  const name = checkGroupName(input.name);
  const description = checkDescription(input.description);
  const row = await ctx.db.transaction(async (tx) => {
    await assertStillAdmin(tx, call);
    if (await findGroupByName(tx, LOCAL_SOURCE, name)) throw nameTaken(name);
    const created = { id: randomUUID(), name, description, source: LOCAL_SOURCE, created_at: ctx.clock.now() };
    await insertGroup(tx, created);
    await ctx.audit.record(tx, { actor: call.actor, action: "group.create", target: created.id, params: { name, source: LOCAL_SOURCE }, ip: call.ip });
    return { ...created, member_count: 0 };
  });
  return toGroup(row, await everyoneCount(ctx));
}

export async function changeGroup(ctx: AppContext, call: AdminCall, id: string, input: { name?: string; description?: string }): Promise<Group> {
  const name = input.name === undefined ? undefined : checkGroupName(input.name);
  const description = input.description === undefined ? undefined : checkDescription(input.description);
  const row = await ctx.db.transaction(async (tx) => {
    await assertStillAdmin(tx, call);
    const before = await findGroupOr404(tx, id);
    const after = { ...before, name: name ?? before.name, description: description ?? before.description };
    if (after.name !== before.name) await checkRename(ctx, tx, before, after.name);
    const params = {
      ...(after.name !== before.name && { name: { from: before.name, to: after.name } }),
      ...(after.description !== before.description && { description: { from: before.description, to: after.description } }),
    };
    if (Object.keys(params).length === 0) return before;
    await updateGroup(tx, after);
    await ctx.audit.record(tx, { actor: call.actor, action: "group.rename", target: id, params, ip: call.ip });
    return after;
  });
  return toGroup(row, await everyoneCount(ctx));
}

async function checkRename(ctx: AppContext, tx: Transaction, before: GroupRow, name: string): Promise<void> {
  // Sync finds a provider's groups by the name the provider gives them.
  if (before.source !== LOCAL_SOURCE) throw new Conflict(`The name of ${before.name} is managed by ${providerLabel(ctx, before.source)}`);
  const other = await findGroupByName(tx, before.source, name);
  if (other && other.id !== before.id) throw nameTaken(name);
}

/** Removes the group with its memberships and grants (audited with how many of each). */
export async function deleteGroup(ctx: AppContext, call: AdminCall, id: string): Promise<void> {
  if (id === EVERYONE_ID) throw new Conflict("Everyone is built in and cannot be deleted");
  await ctx.db.transaction(async (tx) => {
    await assertStillAdmin(tx, call);
    const row = await findGroupOr404(tx, id);
    const members = await deleteMembersOfGroup(tx, id);
    const grants = await deleteGrantsOfGroup(tx, id);
    await deleteGroupRow(tx, id);
    await ctx.audit.record(tx, {
      actor: call.actor,
      action: "group.delete",
      target: id,
      params: { name: row.name, source: row.source, members, grants },
      ip: call.ip,
    });
  });
}

/** Everyone's members are the active users (paged like /api/users); any other group's are its rows. */
export async function listMembers(
  ctx: AppContext,
  id: string,
  window: { limit?: number; offset?: number } = {},
): Promise<{ members: GroupMember[]; total: number }> {
  const group = await findGroupOr404(ctx.db, id);
  if (group.id === EVERYONE_ID) {
    const page = await listUsers(ctx, { active: true, ...window });
    return { members: page.users.map((u) => ({ user_id: u.id, email: u.email, name: u.name, source: LOCAL_SOURCE, added_at: null })), total: page.total };
  }
  const rows = await listMemberRows(ctx.db, id);
  const members = rows.map((row) => {
    const user = ctx.authState.user(row.user_id);
    return { user_id: row.user_id, email: user?.email ?? "", name: user?.name ?? "", source: row.source, added_at: row.created_at.toISOString() };
  });
  return { members, total: members.length };
}

export async function addMember(ctx: AppContext, call: AdminCall, groupId: string, userId: string): Promise<GroupMember> {
  return ctx.db.transaction(async (tx) => {
    await assertStillAdmin(tx, call);
    const { group, user } = await memberTarget(tx, groupId, userId);
    const row = await addMembership(ctx, tx, { group, user, source: LOCAL_SOURCE }, call);
    return { user_id: user.id, email: user.email, name: user.name, source: row.source, added_at: row.created_at.toISOString() };
  });
}

export async function removeMember(ctx: AppContext, call: AdminCall, groupId: string, userId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await assertStillAdmin(tx, call);
    const { group, user } = await memberTarget(tx, groupId, userId);
    await removeMembership(ctx, tx, { group, user, source: LOCAL_SOURCE }, call);
  });
}

async function memberTarget(tx: Transaction, groupId: string, userId: string) {
  const group = await findGroupOr404(tx, groupId);
  if (group.id === EVERYONE_ID) throw new Conflict("Everyone's members are every active user; they cannot be added or removed by hand");
  const user = await findUser(tx, userId);
  if (!user) throw new NotFound(`There is no user with id ${userId}`);
  return { group, user };
}
