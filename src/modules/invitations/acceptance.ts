// Invitations, the invitee's side: the /invite/<token> page checks the link and creates the account
// with the name and password the person chooses, then signs them in. The link is the credential:
// a token that matches nothing spends one of the client's failure slots (claimed before the look-up),
// as reset links do, so links cannot be guessed at speed; the acceptance re-checks the link inside
// its write transaction, so two submissions of one link cannot both make an account.
import { holdToEnrolmentIfNeeded } from "../mfa/second-step";
import type { AppContext } from "../../context";
import type { Queryable, Transaction } from "../../db/database";
import type { AuthUser } from "../../auth/auth-state";
import { hashSecret } from "../../auth/pat-format";
import { assertPasswordPolicy, assertPasswordsInUse } from "../../auth/passwords";
import { BadRequest, HttpError } from "../../shared/errors";
import { createAccount, recordSignIn } from "../users/lifecycle";
import { findUserByEmail } from "../users/directory";
import { openSession, type NewSession } from "../accounts/sessions";
import { findInvitationByHash, markInvitationAccepted, type InvitationRow } from "./repository";

export const INVITATION_PROBLEM = {
  unknown: "This invitation link is not valid. It may have been mistyped or replaced by a newer one. Ask an administrator to invite you again.",
  used: "This invitation has already been accepted. Sign in instead.",
  revoked: "This invitation was revoked by an administrator. Ask them to invite you again.",
  expired: "This invitation has expired. Ask an administrator to send it again.",
  taken: "An account with this email exists already. Sign in instead, or ask an administrator.",
} as const;

/** Why a link does not work, as a status and a message for the page (unknown → 400, spent → 410, taken → 409). */
export class InvitationProblem extends HttpError {}

/** The link's token as the single sign-on attempt carries it (its hash), or null when it is malformed. */
export function invitationHandle(token: string): string | null {
  return /^[A-Za-z0-9_-]{20,100}$/.test(token) ? hashSecret(token) : null;
}

async function findValid(ctx: AppContext, q: Queryable, token: string): Promise<InvitationRow> {
  const handle = invitationHandle(token);
  if (!handle) throw new InvitationProblem(400, INVITATION_PROBLEM.unknown);
  return findValidByHandle(ctx, q, handle);
}

/** The open invitation with this token hash, inside the caller's transaction; else an InvitationProblem. */
export async function findValidByHandle(ctx: AppContext, q: Queryable, handle: string): Promise<InvitationRow> {
  const row = await findInvitationByHash(q, handle);
  if (!row) throw new InvitationProblem(400, INVITATION_PROBLEM.unknown);
  if (row.accepted_at) throw new InvitationProblem(410, INVITATION_PROBLEM.used);
  if (row.revoked_at) throw new InvitationProblem(410, INVITATION_PROBLEM.revoked);
  if (row.expires_at <= ctx.clock.now()) throw new InvitationProblem(410, INVITATION_PROBLEM.expired);
  if (await findUserByEmail(q, row.email)) throw new InvitationProblem(409, INVITATION_PROBLEM.taken);
  return row;
}

/** For the page: whom the invitation is for, or an InvitationProblem (429 beyond the failure budget). */
export async function checkInvitation(ctx: AppContext, token: string, ip: string | null): Promise<{ email: string; role: string }> {
  const claim = ctx.failures.claim([`invite:${ip ?? "unknown"}`], "tries with invitation links that do not exist");
  try {
    const row = await findValid(ctx, ctx.db, token);
    ctx.failures.release(claim);
    return { email: row.email, role: row.role };
  } catch (error) {
    if (!(error instanceof InvitationProblem) || error.status !== 400) ctx.failures.release(claim);
    throw error;
  }
}

type Acceptance = { token: string; name: string; password: string; passwordConfirm: string; ip: string | null; userAgent: string | null };

/**
 * Spends the invitation for the account just made from it and opens a browser session, in the
 * caller's transaction (a password here, an identity of a provider in sso/invitation.ts).
 */
export async function completeAcceptance(
  ctx: AppContext,
  tx: Transaction,
  invitation: InvitationRow,
  row: { id: string; email: string; name: string; role: AuthUser["role"] },
  how: { via: "password" | "oidc"; provider?: string; ip: string | null; userAgent: string | null },
): Promise<{ user: AuthUser; session: NewSession }> {
  const user: AuthUser = { id: row.id, email: row.email, name: row.name, role: row.role, active: true };
  const actor = { id: row.id, email: row.email };
  await markInvitationAccepted(tx, invitation.id, row.id, ctx.clock.now());
  const provider = how.provider ? { provider: how.provider } : {};
  const params = { invitation_id: invitation.id, email: row.email, role: row.role, user_id: row.id, via: how.via, ...provider };
  await ctx.audit.record(tx, { actor, action: "invitation.accept", target: row.id, params, ip: how.ip });
  // A password account MFA_REQUIRED covers starts held to enrolling a second factor, as at /login.
  if (how.via === "password") await holdToEnrolmentIfNeeded(ctx, tx, user);
  const session = await openSession(ctx, tx, user, { ip: how.ip, userAgent: how.userAgent });
  await recordSignIn(ctx, tx, row.id);
  const login = { session_id: session.id, ...(how.via === "oidc" ? { via: "oidc" as const, ...provider } : {}) };
  await ctx.audit.record(tx, { actor, action: "auth.login", target: row.id, params: login, ip: how.ip });
  return { user, session };
}

/** Creates the account (role from the invitation), spends the link and opens a browser session. */
export async function acceptWithPassword(ctx: AppContext, input: Acceptance): Promise<{ user: AuthUser; session: NewSession }> {
  assertPasswordsInUse(ctx.config);
  await checkInvitation(ctx, input.token, input.ip);
  const name = input.name.trim();
  if (name.length > 200) throw new BadRequest("Your name is too long (200 characters at most).");
  if (input.password !== input.passwordConfirm) throw new BadRequest("The two passwords differ.");
  assertPasswordPolicy(input.password);
  const passwordHash = await ctx.passwords.hash(input.password);
  return ctx.db.transaction(async (tx) => {
    const invitation = await findValid(ctx, tx, input.token);
    const account = { email: invitation.email, name, role: invitation.role, passwordHash, via: "invitation" as const };
    const row = await createAccount(ctx, tx, account, { actor: null, ip: input.ip });
    return completeAcceptance(ctx, tx, invitation, row, { via: "password", ip: input.ip, userAgent: input.userAgent });
  });
}
