// What the account lifecycle may do to a person's reset links (it must not reach the repository):
// void the unused ones when access is revoked, delete all of them with the person; and the users
// pages may ask when the link a new one would replace was issued.
import type { Queryable, Transaction } from "../../db/database";
import { deletePasswordResetsOfUser, deleteUnusedPasswordResetsOfUser, findLiveResetIssuedAt } from "./repository";

/** A new password, a deactivation or a role change makes the user's pending links void. */
export async function voidUnusedResetLinksOf(tx: Transaction, userId: string): Promise<void> {
  await deleteUnusedPasswordResetsOfUser(tx, userId);
}

/** For deleting the user: every link, used or not, goes with them. */
export async function deleteResetLinksOf(tx: Transaction, userId: string): Promise<void> {
  await deletePasswordResetsOfUser(tx, userId);
}

/** When the person's link that still works was issued, or null: a new link replaces it. */
export function liveResetLinkIssuedAt(q: Queryable, userId: string, now: Date): Promise<Date | null> {
  return findLiveResetIssuedAt(q, userId, now);
}
