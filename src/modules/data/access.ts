// Who may read which dataset: the one decision, made per request (every query, manifest, download,
// dataset page) from the in-memory auth state, so no request reads the database for it and taking a
// membership or a grant away acts at the next request. A dataset is readable by admins and by the
// members of a group it is granted to (Everyone: every active user); see src/auth/group-access.ts.
import type { GroupReader } from "../../auth/auth-state";
import type { Principal } from "../../auth/principal";
import type { DatasetRow } from "./repository";

export function canRead(groups: GroupReader, principal: Principal, dataset: Pick<DatasetRow, "name">): boolean {
  return groups.grantFor(principal.user, dataset.name) !== null;
}
