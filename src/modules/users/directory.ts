// Users as the other modules may see and change them: sign-in looks a user up and records the
// login, setup adds the first admin, a password change or reset sets the hash. Other modules come
// through here rather than importing this module's repository, so users' SQL has one owner.
export {
  countActiveAdmins,
  countUsers,
  findUserByEmail,
  findUserById as findUser,
  insertUser as addUser,
  setLastLogin as recordSignIn,
  setPasswordHash as setPassword,
  setUserActive as setActive,
  updateUserProfile as setNameAndRole,
} from "./repository";
export type { UserRow } from "./repository";
