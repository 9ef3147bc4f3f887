// What the users module may ask of SSO identities (it must not reach into this module's repository):
// whose groups manage a person's role, and dropping a deleted person's identities.
import type { AppContext } from "../../context";
import type { Queryable, Transaction } from "../../db/database";
import type { OidcProviderSettings } from "../../config/sso";
import { deleteGroupsDetached, deleteIdentitiesOfUser, isGroupsDetached, listIdentitiesOfUser } from "./repository";

/** The provider whose groups manage this user's role, or null when admins set it (detached included). */
export async function roleManagingProvider(ctx: AppContext, q: Queryable, userId: string): Promise<OidcProviderSettings | null> {
  const managing = ctx.config.sso.providers.filter((p) => p.groupRoles);
  if (managing.length === 0 || (await isGroupsDetached(q, userId))) return null;
  const identities = await listIdentitiesOfUser(q, userId);
  return managing.find((p) => identities.some((i) => i.issuer === p.issuer)) ?? null;
}

/** The label of the provider whose groups manage this user's role, or null when admins set it. */
export async function roleManagedBy(ctx: AppContext, q: Queryable, userId: string): Promise<string | null> {
  return (await roleManagingProvider(ctx, q, userId))?.label ?? null;
}

/**
 * While a provider's groups manage someone's role, that provider is the only way in: its sign-in is
 * where the groups are read, so a password or another provider would keep a role (or an account) the
 * groups have since taken away.
 */
export function managedElsewhereMessage(provider: OidcProviderSettings): string {
  return `Your access is managed by ${provider.label}: sign in with ${provider.label}`;
}

/** A deleted person's identities go with them (a later sign-in through them finds no account). */
export async function deleteIdentitiesOf(tx: Transaction, userId: string): Promise<void> {
  await deleteIdentitiesOfUser(tx, userId);
  await deleteGroupsDetached(tx, userId);
}
