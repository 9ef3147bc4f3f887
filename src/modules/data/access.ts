// Who may read which dataset: the one decision, made per request (every query, manifest, download,
// dataset page). Today every signed-in active user may read every dataset; the groups issue narrows
// this function, and everything that reads data already asks it.
import type { Principal } from "../../auth/principal";
import type { DatasetRow } from "./repository";

export function canRead(principal: Principal, _dataset: Pick<DatasetRow, "name">): boolean {
  return principal.user.active;
}
