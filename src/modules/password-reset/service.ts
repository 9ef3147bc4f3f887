// Password reset links, handed out by an admin, or emailed to the person who asked at /forgot
// (forgot.ts, which issues them through issueOperatorResetLink). With
// SMTP_URL set the link is also emailed to the user after the commit (`email_sent` says whether the
// server accepted it); the admin always gets the link back to pass on.
//   token    32 random bytes, base64url (43 characters); only SHA-256(token) is stored
//   expiry   24 h after issue (the app clock), single-use
//   newer    issuing a link deletes the user's older unused links; setting a password (by an admin
//            or through a link) does the same
//   redeem   re-checked inside the write transaction, so two submissions of one link cannot both win
import { randomBytes, randomUUID } from "node:crypto";
import type { AppContext } from "../../context";
import type { Queryable, Transaction } from "../../db/database";
import { hashSecret } from "../../auth/pat-format";
import { assertPasswordPolicy, assertPasswordsInUse } from "../../auth/passwords";
import { BadRequest, Conflict, HttpError, NotFound } from "../../shared/errors";
import type { ResetLink } from "../../shared/contract";
import { findPerson, findUser } from "../users/directory";
import { setPassword } from "../users/lifecycle";
import { assertStillAdmin, type AdminCall } from "../users/admin-call";
import { emailResetLink } from "./email";
import { deleteUnusedPasswordResetsOfUser, findPasswordResetByHash, insertPasswordReset, markPasswordResetUsed } from "./repository";

export const RESET_TTL_MS = 24 * 3_600_000;
export const RESET_PATH = "/auth/password/reset";

export const LINK_PROBLEM = {
  unknown: "This reset link is not valid. It may have been mistyped or replaced by a newer link. Ask an administrator for a new link.",
  used: "This reset link has already been used. Ask an administrator for a new link.",
  expired: "This reset link has expired. Ask an administrator for a new link.",
  deactivated: "This account is deactivated, so its password cannot be reset. Ask an administrator.",
} as const;

/** Why a link does not work, as a status and a message for the page (unknown → 400, used/expired → 410). */
export class ResetLinkProblem extends HttpError {}

export async function issueResetLink(ctx: AppContext, call: AdminCall, userId: string, baseUrl: string): Promise<ResetLink> {
  assertPasswordsInUse(ctx.config);
  const token = randomBytes(32).toString("base64url");
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + RESET_TTL_MS);
  const user = await ctx.db.transaction(async (tx) => {
    await assertStillAdmin(tx, call);
    const user = await findPerson(tx, userId);
    if (!user) throw new NotFound("User not found");
    if (!user.active) throw new Conflict("Cannot issue a reset link for a deactivated user: activate them first");
    await deleteUnusedPasswordResetsOfUser(tx, userId);
    await insertPasswordReset(tx, { id: randomUUID(), userId, tokenHash: hashSecret(token), createdBy: call.actor.id, createdAt: now, expiresAt });
    await ctx.audit.record(tx, { actor: call.actor, action: "user.reset_link", target: userId, params: { expires_at: expiresAt.toISOString() }, ip: call.ip });
    return { id: user.id, email: user.email };
  });
  const url = `${baseUrl}${RESET_PATH}?token=${encodeURIComponent(token)}`;
  const emailSent = await emailResetLink(ctx, call, user, { url, token });
  return { reset_token: token, reset_url: url, email_sent: emailSent };
}

type ValidLink = { resetId: string; user: { id: string; email: string } };

async function findValidLink(ctx: AppContext, q: Queryable, token: string): Promise<ValidLink> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw new ResetLinkProblem(400, LINK_PROBLEM.unknown);
  const reset = await findPasswordResetByHash(q, hashSecret(token));
  if (!reset) throw new ResetLinkProblem(400, LINK_PROBLEM.unknown);
  if (reset.used_at) throw new ResetLinkProblem(410, LINK_PROBLEM.used);
  if (reset.expires_at <= ctx.clock.now()) throw new ResetLinkProblem(410, LINK_PROBLEM.expired);
  const user = await findUser(q, reset.user_id);
  if (!user) throw new ResetLinkProblem(400, LINK_PROBLEM.unknown);
  if (!user.active) throw new ResetLinkProblem(403, LINK_PROBLEM.deactivated);
  return { resetId: reset.id, user: { id: user.id, email: user.email } };
}

/**
 * For the page: who the link is for, or a ResetLinkProblem. A token that matches no link spends
 * one of the client's failure slots (claimed before the look-up), so links cannot be guessed at speed.
 */
export async function checkResetLink(ctx: AppContext, token: string, ip: string | null): Promise<{ email: string }> {
  const claim = ctx.failures.claim([`reset:${ip ?? "unknown"}`], "tries with reset links that do not exist");
  try {
    const link = await findValidLink(ctx, ctx.db, token);
    ctx.failures.release(claim);
    return { email: link.user.email };
  } catch (error) {
    if (!(error instanceof ResetLinkProblem) || error.status !== 400) ctx.failures.release(claim);
    throw error;
  }
}

/** Sets the new password, uses up the link, ends the user's sessions. */
export async function redeemResetLink(
  ctx: AppContext,
  input: { token: string; password: string; passwordConfirm: string; ip: string | null },
): Promise<{ email: string }> {
  await checkResetLink(ctx, input.token, input.ip);
  if (input.password !== input.passwordConfirm) throw new BadRequest("The two passwords differ.");
  assertPasswordPolicy(input.password);
  const passwordHash = await ctx.passwords.hash(input.password);
  const link = await ctx.db.transaction(async (tx) => {
    const valid = await findValidLink(ctx, tx, input.token);
    const now = ctx.clock.now();
    await markPasswordResetUsed(tx, valid.resetId, now);
    await setPassword(ctx, tx, valid.user.id, passwordHash, { event: "password_reset" }, { actor: valid.user, ip: input.ip });
    return valid;
  });
  return { email: link.user.email };
}

/**
 * A link issued inside the caller's transaction with no admin to re-check: the operator's break-glass
 * link (`recover-admin` on the host; by nobody, 24 h) and the one "forgot password" emails (by the
 * person themselves, FORGOT_TTL_MS). Same token rules as an admin's link; older unused links go.
 */
export async function issueOperatorResetLink(
  tx: Transaction,
  userId: string,
  now: Date,
  opts: { ttlMs: number; createdBy: string | null } = { ttlMs: RESET_TTL_MS, createdBy: null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + opts.ttlMs);
  await deleteUnusedPasswordResetsOfUser(tx, userId);
  await insertPasswordReset(tx, { id: randomUUID(), userId, tokenHash: hashSecret(token), createdBy: opts.createdBy, createdAt: now, expiresAt });
  return { token, expiresAt };
}
