// The second step of a password sign-in, for other modules (accounts: the login page and
// POST /auth/token; users/lifecycle.ts: reset and deletion). A code is checked under the failure
// limiter like a password: a slot is claimed (per account and per address) before the check and
// given back only on success, so parallel guesses check at most the budget. The check and its write
// (the TOTP step spent, the recovery code used) run in one transaction: the database queue makes it
// atomic, so the same code sent twice at once works once.
import type { AppContext } from "../../context";
import type { Queryable, Transaction } from "../../db/database";
import { decryptSecret } from "../../shared/signing";
import { BadRequest, Unauthenticated } from "../../shared/errors";
import { policyCovers } from "../../auth/session-restriction";
import { asTotpCode, matchingStep } from "./totp";
import { looksLikeRecoveryCode, recoveryCodeHash } from "./recovery-codes";
import {
  countUnusedRecoveryCodes,
  deletePasskeysOf,
  deleteRecoveryCodes,
  deleteTotp,
  findTotp,
  hasFactor,
  listSecondFactorRequired,
  setSecondFactorRequired,
  setTotpLastStep,
  useRecoveryCode,
} from "./repository";

export const TOTP_SECRET_LABEL = "totp-secret";
export const WRONG_CODE = "Incorrect or already used code";

type Person = { id: string; email: string };
type During = "sign-in" | "profile";
type Outcome = { ok: true; method: "totp" | "recovery_code" } | { ok: false; method: "totp" | "recovery_code"; reason: string };

/** For the auth state's loader: who is held to enrolling a second factor. */
export function listHeldToEnrolment(q: Queryable): Promise<string[]> {
  return listSecondFactorRequired(q);
}

export function hasSecondFactor(ctx: Pick<AppContext, "db">, userId: string): Promise<boolean> {
  return hasFactor(ctx.db, userId);
}

/** The failure budgets a code draws on: the account's own, and the client address's (shared with passwords). */
export function codeLimitKeys(userId: string, ip: string | null): string[] {
  return ip ? [`second-factor:${userId}`, `ip:${ip}`] : [`second-factor:${userId}`];
}

async function checkTotp(ctx: AppContext, tx: Transaction, userId: string, code: string): Promise<Outcome> {
  const row = await findTotp(tx, userId);
  if (!row?.confirmed_at) return { ok: false, method: "totp", reason: "no authenticator app" };
  const secret = decryptSecret(TOTP_SECRET_LABEL, row.secret_enc, ctx.config.jwtSecret);
  if (secret === null) return { ok: false, method: "totp", reason: "secret unreadable with this server's key" };
  const step = matchingStep(secret, code, ctx.clock.now());
  if (step === null) return { ok: false, method: "totp", reason: "wrong code" };
  if (row.last_step !== null && step <= row.last_step) return { ok: false, method: "totp", reason: "code already used" };
  await setTotpLastStep(tx, userId, step);
  return { ok: true, method: "totp" };
}

async function checkCode(ctx: AppContext, tx: Transaction, user: Person, input: string, during: During, ip: string | null): Promise<Outcome> {
  const code = asTotpCode(input);
  if (code) return checkTotp(ctx, tx, user.id, code);
  if (!looksLikeRecoveryCode(input)) return { ok: false, method: "totp", reason: "not a code" };
  if (!(await useRecoveryCode(tx, user.id, recoveryCodeHash(input), ctx.clock.now()))) {
    return { ok: false, method: "recovery_code", reason: "wrong or used recovery code" };
  }
  const remaining = await countUnusedRecoveryCodes(tx, user.id);
  await ctx.audit.record(tx, { actor: user, action: "mfa.recovery_code_used", target: user.id, params: { remaining, during }, ip });
  return { ok: true, method: "recovery_code" };
}

/** Checks a code from the authenticator app or a recovery code, or throws 401 (429 beyond the budget). */
export async function verifySecondFactor(ctx: AppContext, user: Person, input: string, ip: string | null, during: During): Promise<void> {
  const claim = ctx.failures.claim(codeLimitKeys(user.id, ip), "wrong second-factor codes");
  const outcome = await ctx.db.transaction((tx) => checkCode(ctx, tx, user, input.trim(), during, ip));
  if (outcome.ok) return ctx.failures.release(claim);
  await recordFailedCode(ctx, user, { method: outcome.method, reason: outcome.reason, during }, ip);
  // A wrong code at sign-in is a failed sign-in (401); on /profile the person stays signed in (400).
  throw during === "sign-in" ? new Unauthenticated(WRONG_CODE) : new BadRequest(WRONG_CODE);
}

export async function recordFailedCode(
  ctx: AppContext,
  user: Person,
  params: { method: "totp" | "recovery_code" | "passkey"; reason: string; during: During },
  ip: string | null,
): Promise<void> {
  await ctx.audit.record(ctx.db, { actor: user, action: "mfa.code_failed", target: user.id, params, ip });
}

/**
 * At a password sign-in's session: a person MFA_REQUIRED covers who has no factor is held to
 * enrolment (the auth guard lets that session reach only /profile/two-factor until they enrol).
 */
export async function holdToEnrolmentIfNeeded(ctx: AppContext, tx: Transaction, user: { id: string; role: string }): Promise<void> {
  if (!policyCovers(ctx.config.mfaRequired, user.role) || (await hasFactor(tx, user.id))) return;
  await setSecondFactorRequired(tx, user.id, true, ctx.clock.now());
}

/** Removes every second factor of a person (an admin's reset, break-glass recovery, deletion). */
export async function clearSecondFactors(ctx: Pick<AppContext, "clock">, tx: Transaction, userId: string): Promise<boolean> {
  const had = await hasFactor(tx, userId);
  await deleteTotp(tx, userId);
  await deleteRecoveryCodes(tx, userId);
  await deletePasskeysOf(tx, userId);
  await setSecondFactorRequired(tx, userId, false, ctx.clock.now());
  return had;
}
