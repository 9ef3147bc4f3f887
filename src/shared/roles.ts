// What each role may do, in one line, for every place a role is shown or chosen (pages and `da`).
// Today only `admin` differs in power: the other three read what their groups are granted.
import type { Role } from "./contract";

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: "Signs in and reads the datasets their groups may read; no admin pages.",
  analyst: "Reads, queries and syncs the datasets their groups may read, in the browser, with da or a token; no admin pages.",
  km_admin: "Knowledge manager: the same data access as an analyst today; no admin pages.",
  admin: "Everything: people, groups, tokens, datasets, backups and the audit trail.",
};
