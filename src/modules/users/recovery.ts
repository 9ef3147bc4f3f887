// Break-glass: an operator with shell access regains an admin when nobody can sign in as one
// (`bun src/server.ts recover-admin <email>`, with the server stopped). The named user is activated
// and made admin, or created; a single-use reset link is issued; and it is audited, all in one
// transaction. The operator is the actor ("operator (shell)"), since no signed-in admin is.
import { randomUUID } from "node:crypto";
import type { Clock } from "../../clock";
import type { Database } from "../../db/database";
import { parseEmail } from "../../auth/email";
import type { AuditService } from "../audit/service";
import { issueOperatorResetLink } from "../password-reset/service";
import { findUserByEmail, insertUser, setUserActive, updateUserProfile } from "./repository";
import { revokeAccess } from "./lifecycle";

export type Recovery = { userId: string; email: string; created: boolean; previous: { role: string; active: boolean } | null; token: string; expiresAt: Date };

export async function recoverAdmin(deps: { db: Database; clock: Clock; audit: AuditService }, rawEmail: string, name = ""): Promise<Recovery> {
  const email = parseEmail(rawEmail);
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const existing = await findUserByEmail(tx, email);
    const userId = existing?.id ?? randomUUID();
    if (!existing) {
      await insertUser(tx, { id: userId, email, name, role: "admin", passwordHash: null, now });
    } else {
      if (!existing.active) await setUserActive(tx, userId, true, null, now);
      if (existing.role !== "admin") await updateUserProfile(tx, userId, { name: existing.name, role: "admin", now });
    }
    // Recovery is used when the account may be in someone else's hands: nothing issued before it
    // (sessions, `da` sign-ins, reset links, tokens) may carry the new admin role.
    const { tokensRevoked } = await revokeAccess(deps, tx, userId, "recovery");
    const link = await issueOperatorResetLink(tx, userId, now);
    const previous = existing ? { role: existing.role, active: existing.active } : null;
    await deps.audit.record(tx, {
      actor: { id: "operator", email: "operator (shell)" },
      action: "admin.recovered",
      target: userId,
      params: { email, created: !existing, previous_role: previous?.role ?? null, was_active: previous?.active ?? null, tokens_revoked: tokensRevoked },
      ip: null,
    });
    return { userId, email, created: !existing, previous, token: link.token, expiresAt: link.expiresAt };
  });
}
