// Who is making an admin change, and the re-check every admin change makes inside its transaction.
// Its own file because password reset (issuing links) needs it too, and users/service depends on
// password reset for its cascades: keeping it here avoids an import cycle.
import { actorOf, type Principal } from "../../auth/principal";
import type { Queryable } from "../../db/database";
import { Forbidden } from "../../shared/errors";
import { findUserById } from "./repository";

/** Who is making an admin change, from where, and with which session (kept when they change themselves). */
export type AdminCall = { actor: { id: string; email: string; tokenId?: string | null }; ip: string | null; sessionId: string | null };

export function adminCall(me: Principal, ip: string | null): AdminCall {
  return { actor: actorOf(me), ip, sessionId: me.sessionId };
}

/**
 * Re-reads the acting admin inside the transaction: a request that was authorised a moment ago by
 * someone who has since been demoted or deactivated (by a concurrent request) must not go through.
 * Callers check the safeguards first, so a race between two admins reports the safeguard (409).
 */
export async function assertStillAdmin(tx: Queryable, call: AdminCall): Promise<void> {
  const actor = await findUserById(tx, call.actor.id);
  if (!actor?.active || actor.role !== "admin") throw new Forbidden("Your account is no longer an active admin");
}
