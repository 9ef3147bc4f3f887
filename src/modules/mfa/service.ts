// A person's own second factors on /profile/two-factor: set up an authenticator app (a new secret
// shown as a QR code, confirmed with a first code), remove it, and make new recovery codes (shown
// once, through the one-time reveal). Every change is audited without its secret.
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { decryptSecret, encryptSecret } from "../../shared/signing";
import { BadRequest, Conflict } from "../../shared/errors";
import { policyCovers } from "../../auth/session-restriction";
import { enrolmentQrSvg, matchingStep, newTotpSecret, asTotpCode } from "./totp";
import { newRecoveryCodes, recoveryCodeHash } from "./recovery-codes";
import { codeLimitKeys, recordFailedCode, TOTP_SECRET_LABEL, verifySecondFactor, WRONG_CODE } from "./second-step";
import {
  confirmTotp,
  countUnusedRecoveryCodes,
  deleteRecoveryCodes,
  deleteTotp,
  findTotp,
  hasFactor,
  listPasskeys,
  putPendingTotp,
  replaceRecoveryCodes,
  setSecondFactorRequired,
} from "./repository";
import type { Transaction } from "../../db/database";

export type FactorStatus = {
  totp: "on" | "pending" | "off";
  recoveryCodesLeft: number;
  passkeys: { id: string; name: string; createdAt: Date; lastUsedAt: Date | null }[];
};

const actor = (me: Principal) => ({ id: me.user.id, email: me.user.email });

export async function factorStatus(ctx: AppContext, userId: string): Promise<FactorStatus> {
  const [totp, left, passkeys] = await Promise.all([findTotp(ctx.db, userId), countUnusedRecoveryCodes(ctx.db, userId), listPasskeys(ctx.db, userId)]);
  return {
    totp: totp?.confirmed_at ? "on" : totp ? "pending" : "off",
    recoveryCodesLeft: left,
    passkeys: passkeys.map((p) => ({ id: p.id, name: p.name, createdAt: p.created_at, lastUsedAt: p.last_used_at })),
  };
}

/** A new secret, waiting for its first code (it replaces an unconfirmed one, never a working app). */
export async function startTotpEnrolment(ctx: AppContext, me: Principal): Promise<void> {
  const existing = await findTotp(ctx.db, me.user.id);
  if (existing?.confirmed_at) throw new Conflict("An authenticator app is already set up: remove it first to set up another");
  const secretEnc = encryptSecret(TOTP_SECRET_LABEL, newTotpSecret(), ctx.config.jwtSecret);
  await ctx.db.transaction((tx) => putPendingTotp(tx, me.user.id, secretEnc, ctx.clock.now()));
}

/** What the enrolment page shows: the QR code and the secret in text, or null with nothing pending. */
export async function pendingEnrolment(ctx: AppContext, me: Principal): Promise<{ secret: string; svg: string } | null> {
  const row = await findTotp(ctx.db, me.user.id);
  if (!row || row.confirmed_at) return null;
  const secret = decryptSecret(TOTP_SECRET_LABEL, row.secret_enc, ctx.config.jwtSecret);
  if (secret === null) return null;
  const issuer = ctx.config.publicUrl ? `Agnes (${new URL(ctx.config.publicUrl).host})` : "Agnes";
  const { svg } = await enrolmentQrSvg(secret, issuer, me.user.email);
  return { secret, svg };
}

/** The first code proves the app has the secret: the app is on, and ten recovery codes are returned (to show once). */
export async function confirmTotpEnrolment(ctx: AppContext, me: Principal, input: string, ip: string | null): Promise<string[]> {
  const code = asTotpCode(input);
  if (!code) throw new BadRequest("Enter the six-digit code your authenticator app shows");
  const claim = ctx.failures.claim(codeLimitKeys(me.user.id, ip), "wrong second-factor codes");
  const codes = newRecoveryCodes();
  const done = await ctx.db.transaction(async (tx) => {
    const row = await findTotp(tx, me.user.id);
    if (!row || row.confirmed_at) throw new Conflict("Nothing to confirm: start the set-up again");
    const secret = decryptSecret(TOTP_SECRET_LABEL, row.secret_enc, ctx.config.jwtSecret);
    const step = secret === null ? null : matchingStep(secret, code, ctx.clock.now());
    if (step === null) return false;
    await confirmTotp(tx, me.user.id, step, ctx.clock.now());
    await replaceRecoveryCodes(tx, me.user.id, codes.map(recoveryCodeHash), ctx.clock.now());
    await enrolled(ctx, tx, me.user.id);
    await ctx.audit.record(tx, { actor: actor(me), action: "mfa.totp_enrol", target: me.user.id, params: { recovery_codes: codes.length }, ip });
    return true;
  });
  if (!done) {
    await recordFailedCode(ctx, actor(me), { method: "totp", reason: "wrong code at set-up", during: "profile" }, ip);
    throw new BadRequest(`${WRONG_CODE}: check the app's clock and try the newest code`);
  }
  ctx.failures.release(claim);
  return codes;
}

/** A factor now exists: whoever was held to enrolment is free. */
export async function enrolled(ctx: AppContext, tx: Transaction, userId: string): Promise<void> {
  if (ctx.authState.mustEnrolSecondFactor(userId)) await setSecondFactorRequired(tx, userId, false, ctx.clock.now());
}

/** Refuses to remove the last factor of someone MFA_REQUIRED covers. */
async function assertMayRemove(ctx: AppContext, tx: Transaction, me: Principal): Promise<void> {
  if (policyCovers(ctx.config.mfaRequired, me.user.role) && !(await hasFactor(tx, me.user.id))) {
    throw new Conflict("This server requires a second factor for your account: add another (a passkey) before removing this one");
  }
}

/** Removing the app needs one of its codes (or a recovery code): a borrowed session alone cannot. */
export async function removeTotp(ctx: AppContext, me: Principal, code: string, ip: string | null): Promise<void> {
  if ((await findTotp(ctx.db, me.user.id))?.confirmed_at == null) throw new Conflict("No authenticator app is set up");
  await verifySecondFactor(ctx, actor(me), code, ip, "profile");
  await ctx.db.transaction(async (tx) => {
    await deleteTotp(tx, me.user.id);
    await assertMayRemove(ctx, tx, me);
    if (!(await hasFactor(tx, me.user.id))) await deleteRecoveryCodes(tx, me.user.id);
    await ctx.audit.record(tx, { actor: actor(me), action: "mfa.totp_remove", target: me.user.id, ip });
  });
}

/**
 * New recovery codes replace the old ones (all of them stop working); returned to show once. With an
 * authenticator app they need one of its codes (or a recovery code), as its removal does: new codes
 * would otherwise let a borrowed session remove the app, and pass the second step later.
 */
export async function regenerateRecoveryCodes(ctx: AppContext, me: Principal, code: string, ip: string | null): Promise<string[]> {
  if ((await findTotp(ctx.db, me.user.id))?.confirmed_at != null) await verifySecondFactor(ctx, actor(me), code, ip, "profile");
  const codes = newRecoveryCodes();
  await ctx.db.transaction(async (tx) => {
    if (!(await hasFactor(tx, me.user.id))) throw new Conflict("Set up an authenticator app or a passkey first");
    await replaceRecoveryCodes(tx, me.user.id, codes.map(recoveryCodeHash), ctx.clock.now());
    await ctx.audit.record(tx, { actor: actor(me), action: "mfa.recovery_codes_regenerate", target: me.user.id, params: { recovery_codes: codes.length }, ip });
  });
  return codes;
}
