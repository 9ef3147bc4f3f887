// Break-glass: an operator with shell access regains an admin when nobody can sign in as one
// (`bun src/server.ts recover-admin <email>`, with the server stopped). The named user is activated
// and made admin, or created; a single-use reset link is issued; and it is audited, all in one
// transaction. The operator is the actor ("operator (shell)"), since no signed-in admin is.
import type { Clock } from "../../clock";
import type { Database } from "../../db/database";
import { parseEmail } from "../../auth/email";
import type { AuditService } from "../audit/service";
import { issueOperatorResetLink } from "../password-reset/service";
import { Conflict } from "../../shared/errors";
import { findUserByEmail } from "./repository";
import { activate, changeRole, createAccount, resetSecondFactor } from "./lifecycle";
import { revokeAccess } from "./revocation";

export type Recovery = { userId: string; email: string; created: boolean; previous: { role: string; active: boolean } | null; token: string; expiresAt: Date };

const OPERATOR = { id: "operator", email: "operator (shell)" };

export async function recoverAdmin(deps: { db: Database; clock: Clock; audit: AuditService }, rawEmail: string, name = ""): Promise<Recovery> {
  const email = parseEmail(rawEmail);
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const by = { actor: OPERATOR, ip: null };
    const existing = await findUserByEmail(tx, email);
    // Break-glass must end with a person who can sign in; a service account never can.
    if (existing?.kind === "service") throw new Conflict(`${email} is a service account, which cannot sign in: recover a person's account`);
    const row = existing ?? (await createAccount(deps, tx, { email, name, role: "admin", passwordHash: null, via: "recovery" }, by));
    const userId = row.id;
    if (existing) {
      await activate(deps, tx, existing, by);
      await changeRole(deps, tx, { ...existing, active: true }, "admin", by);
    }
    // Recovery is used when the account may be in someone else's hands: nothing issued before it
    // (sessions, `da` sign-ins, reset links, tokens) may carry the new admin role.
    const { tokensRevoked } = await revokeAccess(deps, tx, userId, "recovery");
    // The admin being recovered may have lost their second factor too: the reset link alone gets them in.
    if (existing) await resetSecondFactor(deps, tx, existing, { ...by, via: "recovery" });
    const link = await issueOperatorResetLink(tx, userId, now);
    const previous = existing ? { role: existing.role, active: existing.active } : null;
    await deps.audit.record(tx, {
      actor: OPERATOR,
      action: "admin.recovered",
      target: userId,
      params: { email, created: !existing, previous_role: previous?.role ?? null, was_active: previous?.active ?? null, tokens_revoked: tokensRevoked },
      ip: null,
    });
    return { userId, email, created: !existing, previous, token: link.token, expiresAt: link.expiresAt };
  });
}
