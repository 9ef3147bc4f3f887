// Token counts over time, for the admin dashboard's chart (src/modules/audit/stats.ts). Reads only.
import type { Queryable } from "../../db/database";
import { countActiveTokensByDay } from "./repository";

/** Working tokens at the end of each UTC day from `first` to `last` (midnights), by day (`YYYY-MM-DD`). */
export async function activeTokensByDay(q: Queryable, first: Date, last: Date): Promise<Map<string, number>> {
  return new Map((await countActiveTokensByDay(q, first, last)).map((row) => [row.day, row.n]));
}
