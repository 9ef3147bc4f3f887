// Adding and removing one membership, for admins (source "agnes") and for a provider's sign-ins
// (source = the provider id) alike, each with its audit entry in the caller's transaction. What
// one side made, the other never changes: sync leaves hand-made memberships alone, and an admin
// gets 409 on a membership a provider made.
import type { AppContext } from "../../context";
import type { Transaction } from "../../db/database";
import { Conflict, NotFound } from "../../shared/errors";
import { LOCAL_SOURCE } from "../../shared/groups";
import type { Actor } from "../audit/service";
import { deleteMember, findMember, insertMember, type GroupRow, type MemberRow } from "./repository";

type Change = { group: Pick<GroupRow, "id" | "name">; user: { id: string; email: string }; source: string };
type By = { actor: Actor; ip: string | null };

export function providerLabel(ctx: Pick<AppContext, "config">, source: string): string {
  return ctx.config.sso.providers.find((p) => p.id === source)?.label ?? source;
}

const managedBy = (ctx: AppContext, change: Change, existing: MemberRow) =>
  new Conflict(`${change.user.email}'s membership of ${change.group.name} is managed by ${providerLabel(ctx, existing.source)}`);

/** Adds the membership, or returns the one there is (a provider's sync never overrides a hand-made one). */
export async function addMembership(ctx: AppContext, tx: Transaction, change: Change, by: By): Promise<MemberRow> {
  const existing = await findMember(tx, change.group.id, change.user.id);
  if (existing) {
    if (change.source === LOCAL_SOURCE && existing.source !== LOCAL_SOURCE) throw managedBy(ctx, change, existing);
    return existing;
  }
  const row = { group_id: change.group.id, user_id: change.user.id, source: change.source, created_at: ctx.clock.now() };
  await insertMember(tx, row);
  await ctx.audit.record(tx, {
    actor: by.actor,
    action: "group.member_add",
    target: change.group.id,
    params: { group: change.group.name, user_id: change.user.id, email: change.user.email, source: change.source },
    ip: by.ip,
  });
  return row;
}

/** Removes a membership `change.source` made; another source's is refused (by hand) or left alone (sync). */
export async function removeMembership(ctx: AppContext, tx: Transaction, change: Change, by: By): Promise<boolean> {
  const existing = await findMember(tx, change.group.id, change.user.id);
  if (!existing) {
    if (change.source === LOCAL_SOURCE) throw new NotFound(`${change.user.email} is not a member of ${change.group.name}`);
    return false;
  }
  if (existing.source !== change.source) {
    if (change.source === LOCAL_SOURCE) throw managedBy(ctx, change, existing);
    return false;
  }
  await deleteMember(tx, change.group.id, change.user.id);
  await ctx.audit.record(tx, {
    actor: by.actor,
    action: "group.member_remove",
    target: change.group.id,
    params: { group: change.group.name, user_id: change.user.id, email: change.user.email, source: existing.source },
    ip: by.ip,
  });
  return true;
}
