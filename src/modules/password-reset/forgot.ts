// "Forgot password" (/forgot): anyone may ask for a reset link to be emailed to an address. Only with
// PASSWORD_LOGIN=on and SMTP_URL set (the link must reach the mailbox, never the asker's screen).
//   same answer   the page says the same thing whether the address has an account or not, and says it
//                 before anything is looked up: the look-up, the link and the email happen after the
//                 answer (`requestResetEmail` returns at once), so the time does not tell either
//   limits        every request (not only failures) spends a slot per address asked for (5 an hour:
//                 nobody's mailbox can be flooded) and per client address (ctx.failures, 10 in 15
//                 minutes), claimed before anything else; beyond them 429, the same for every address
//   who gets one  an active account; a deactivated one gets nothing (audited); unknown: nothing, no audit
//   the link      the ordinary reset link (single use, hashed), FORGOT_TTL_MS long; it replaces older
//                 unused links of the account, like any new link
import type { AppContext } from "../../context";
import { FailureLimiter } from "../../http/failure-limiter";
import { checkEmail, normaliseEmail } from "../../auth/email";
import { BadRequest, NotFound } from "../../shared/errors";
import { findUserByEmail } from "../users/directory";
import { emailForgotLink } from "./forgot-email";
import { issueOperatorResetLink, RESET_PATH } from "./service";

export const FORGOT_PATH = "/forgot";
export const FORGOT_TTL_MS = 3_600_000;
const PER_ADDRESS_ASKED = { max: 5, windowMs: 3_600_000 };
/** With 0 the look-up still ran while the answer was being written (bench/forgot-timing.ts: a longer p99 for accounts). */
const SEND_DELAY_MS = 25;

export type ForgotDesk = { ask(email: string, ip: string | null): void };

export function forgotEnabled(ctx: AppContext): boolean {
  return ctx.config.sso.passwordLogin && ctx.mailer !== null && ctx.config.publicUrl !== null;
}

/** One per app, with its own per-address limiter (no module-level state). */
export function forgotDesk(ctx: AppContext): ForgotDesk {
  const perAddress = new FailureLimiter(ctx.clock, PER_ADDRESS_ASKED.max, PER_ADDRESS_ASKED.windowMs);
  return {
    ask(rawEmail, ip) {
      if (!forgotEnabled(ctx)) throw new NotFound();
      if (!checkEmail(rawEmail).ok) throw new BadRequest("Enter a valid email address.");
      const email = normaliseEmail(rawEmail);
      // Both claims are kept: asking is what is limited, not failing.
      ctx.failures.claim([`forgot:${ip ?? "unknown"}`], "password reset requests from your address");
      perAddress.claim([email], "password reset requests for this email address");
      // Well after the answer (a timer, so not even the look-up's first step runs while the response is
      // being written): its timing must not tell whether the address has an account. Never throws.
      const fail = (error: unknown) => ctx.log.error("password_forgot.failed", { error: String((error as Error)?.message ?? error) });
      setTimeout(() => void sendIfAccount(ctx, email, ip).catch(fail), SEND_DELAY_MS);
    },
  };
}

async function sendIfAccount(ctx: AppContext, email: string, ip: string | null): Promise<void> {
  const user = await findUserByEmail(ctx.db, email);
  // A service account has no password to reset: as for an unknown address, nothing happens.
  if (user?.kind !== "person") return;
  const actor = { id: user.id, email: user.email };
  if (!user.active) {
    await ctx.audit.record(ctx.db, { actor: null, action: "auth.password_forgot", target: user.id, params: { outcome: "deactivated" }, ip });
    return;
  }
  const link = await ctx.db.transaction((tx) => issueOperatorResetLink(tx, user.id, ctx.clock.now(), { ttlMs: FORGOT_TTL_MS, createdBy: user.id }));
  const baseUrl = ctx.config.publicUrl!;
  const url = `${baseUrl}${RESET_PATH}?token=${encodeURIComponent(link.token)}`;
  const sent = await emailForgotLink(ctx, { to: user.email, url, token: link.token, expiresAt: link.expiresAt, baseUrl }, FORGOT_TTL_MS);
  await ctx.audit.record(ctx.db, { actor, action: "auth.password_forgot", target: user.id, params: { outcome: sent ? "emailed" : "email_failed" }, ip });
}
