// Users as the other modules may read them: sign-in looks a user up, setup counts them, SSO finds
// the account an identity points at. Reads only: every write to an account goes through
// lifecycle.ts, so users' SQL has one owner and each change its one set of rules.
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
