// Revoke by value: POST /auth/tokens/revoke {token}, with no authentication, as GitHub's credential
// revocation API: whoever finds a leaked token (a person, a secret scanner) can kill it. The answer
// is 204 whether the token was live, unknown, malformed or someone else's, so the route is no oracle;
// the limit per address (counted for every attempt) keeps it from being a cheap way to spam the
// audit trail or the owners' mailboxes. A live token is revoked and audited in one transaction,
// then its owner is told by email (when SMTP_URL is set), off the request's path.
import type { AppContext } from "../../context";
import { FailureLimiter } from "../../http/failure-limiter";
import { hashSecret, isWellFormedPat } from "../../auth/pat-format";
import { MailNotSent } from "../../mail/mailer";
import { findToken, setTokenRevoked, type TokenRow } from "./repository";
import { findUser, listActiveAdminPeople } from "../users/directory";

/** Attempts per address in REVOKE_WINDOW_MS, valid or not; beyond it 429 with Retry-After. */
export const REVOKE_ATTEMPTS = 20;
const REVOKE_WINDOW_MS = 15 * 60_000;

export type RevokeByValue = (value: string, ip: string | null) => Promise<void>;

export function revokerByValue(ctx: AppContext): RevokeByValue {
  const limiter = new FailureLimiter(ctx.clock, REVOKE_ATTEMPTS, REVOKE_WINDOW_MS);
  return async (value, ip) => {
    limiter.claim([`revoke:${ip ?? "unknown"}`], "token revocations from this address");
    // The format and checksum are checked before any look-up, and only live tokens are looked up
    // (in memory): a revoked, expired or unknown value ends here, as a malformed one does.
    if (!isWellFormedPat(value)) return;
    const live = ctx.authState.tokenByHash(hashSecret(value));
    if (!live) return;
    const row = await ctx.db.transaction(async (tx) => {
      const found = await findToken(tx, live.id);
      if (!found || found.revoked_at) return null;
      await setTokenRevoked(tx, found.id, ctx.clock.now());
      const params = { id: found.id, name: found.name, prefix: found.prefix, owner_id: found.user_id };
      await ctx.audit.record(tx, { actor: null, action: "token.revoked_by_value", target: found.id, params, ip });
      return found;
    });
    if (row) void tellOwner(ctx, row, ip).catch((error) => ctx.log.warn("token.revoked_by_value.email_failed", { token_id: row.id, error: String(error) }));
  };
}

/** Who hears of it: the owner, or for a service account (which has no mailbox) every active admin. */
async function recipientsOf(ctx: AppContext, userId: string): Promise<string[]> {
  const owner = await findUser(ctx.db, userId);
  if (!owner) return [];
  if (owner.kind === "person") return [owner.email];
  return (await listActiveAdminPeople(ctx.db)).map((admin) => admin.email);
}

/** Best effort and never awaited by the request: how long a send takes must not tell a valid token apart. */
async function tellOwner(ctx: AppContext, row: TokenRow, ip: string | null): Promise<void> {
  if (!ctx.mailer) return;
  const text = [
    "Hello,",
    "",
    `The Agnes personal access token "${row.name}" (prefix ${row.prefix}) was revoked at ${ctx.clock.now().toISOString()}:`,
    `someone${ip ? ` at ${ip}` : ""} reported its value as leaked (for example a secret scanner that found it in a public place).`,
    "",
    "Anything still using it is refused from now on. Create a new token on your profile page, and check where the old one was kept.",
    "",
    "Agnes",
  ].join("\n");
  for (const to of await recipientsOf(ctx, row.user_id)) {
    try {
      await ctx.mailer.send({ to, subject: `Agnes token "${row.name}" was revoked`, text });
      ctx.log.info("token.revoked_by_value.email_sent", { token_id: row.id, user_id: row.user_id });
    } catch (error) {
      const reason = error instanceof MailNotSent ? error : new MailNotSent("unexpected error while sending", "EUNKNOWN", null);
      ctx.log.warn("token.revoked_by_value.email_failed", { token_id: row.id, user_id: row.user_id, code: reason.code, reason: reason.message });
    }
  }
}
