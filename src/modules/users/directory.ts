// Users as the other modules may read them: sign-in looks a user up, setup counts them, SSO finds
// the account an identity points at. Reads only: every write to an account goes through
// lifecycle.ts, so users' SQL has one owner and each change its one set of rules.
import type { Queryable } from "../../db/database";
import { findUserById, type UserRow } from "./repository";

export {
  countActiveAdmins,
  countUsers,
  findUserByEmail,
  findUserById as findUser,
  listActiveAdminPeople,
  listAuthUsers,
  listPasswordChangeRequired,
  listServiceAccountRows,
} from "./repository";
export type { AccountKind, UserRow } from "./repository";

/**
 * A person's account, or null: a service account is never the target of a people's route (a
 * password, a reset link, an SSO identity), since it has none of those and its own API.
 */
export async function findPerson(q: Queryable, id: string): Promise<UserRow | null> {
  const row = await findUserById(q, id);
  return row?.kind === "person" ? row : null;
}
