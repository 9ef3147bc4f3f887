// What the account lifecycle may do to the invitations a person issued (it must not reach the
// repository): void the open ones when that person's authority goes (revocation.ts decides when).
import type { Transaction } from "../../db/database";
import { revokeOpenInvitationsIssuedBy } from "./repository";

/** Open invitations issued by this person stop working for good; accepted ones are accounts now and stay. */
export async function voidInvitationsIssuedBy(tx: Transaction, userId: string, now: Date): Promise<void> {
  await revokeOpenInvitationsIssuedBy(tx, userId, now);
}
