// What the users module may ask of SSO identities (it must not reach into this module's repository):
// whose groups manage a person's role, and dropping a deleted person's identities.
import type { AppContext } from "../../context";
import type { Queryable, Transaction } from "../../db/database";
import { deleteGroupsDetached, deleteIdentitiesOfUser, isGroupsDetached, listIdentitiesOfUser } from "./repository";

/** The label of the provider whose groups manage this user's role, or null when admins set it (detached included). */
export async function roleManagedBy(ctx: AppContext, q: Queryable, userId: string): Promise<string | null> {
  const managing = ctx.config.sso.providers.filter((p) => p.groupRoles);
  if (managing.length === 0 || (await isGroupsDetached(q, userId))) return null;
  const identities = await listIdentitiesOfUser(q, userId);
  return managing.find((p) => identities.some((i) => i.issuer === p.issuer))?.label ?? null;
}

/** A deleted person's identities go with them (a later sign-in through them finds no account). */
export async function deleteIdentitiesOf(tx: Transaction, userId: string): Promise<void> {
  await deleteIdentitiesOfUser(tx, userId);
  await deleteGroupsDetached(tx, userId);
}
