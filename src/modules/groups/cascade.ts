// What goes with a deleted account (users/lifecycle.ts calls it in its transaction): its
// memberships. Its own file so the users module can reach it without an import cycle.
import type { Transaction } from "../../db/database";
import { deleteMembershipsOfUser } from "./repository";

export async function dropMembershipsOfUser(tx: Transaction, userId: string): Promise<void> {
  await deleteMembershipsOfUser(tx, userId);
}
