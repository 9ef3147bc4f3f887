// Invitations, the admin's side: invite someone by email with a role, list the open ones, send a new
// link, revoke. The invitee's side (the /invite page) is acceptance.ts.
//   token    32 random bytes, base64url (43 characters); only SHA-256(token) is stored
//   expiry   INVITE_DAYS (default 7) after it was sent; a resend replaces the token and restarts it
//   single   accepted once (re-checked inside the write transaction), then the link is spent
//   one open invitation per address, and none for an address that already has an account (409)
// With SMTP the link is emailed after the commit; the admin always gets it back once (the API's
// answer, the users page's one-time reveal), as with reset links.
import { randomBytes, randomUUID } from "node:crypto";
import type { AppContext } from "../../context";
import type { Transaction } from "../../db/database";
import { hashSecret } from "../../auth/pat-format";
import { parseEmail } from "../../auth/email";
import { Conflict, NotFound } from "../../shared/errors";
import { DEFAULT_ROLE, type CreatedInvitation, type Invitation, type InvitationState } from "../../shared/contract";
import { findUserByEmail } from "../users/directory";
import { assertStillAdmin, parseRole, type AdminCall } from "../users/service";
import { emailInvitation } from "./email";
import {
  findInvitationById,
  findOpenInvitationsFor,
  insertInvitation,
  listInvitations as listRows,
  markInvitationRevoked,
  replaceInvitationToken,
  type InvitationRow,
} from "./repository";

export const INVITE_PATH = "/invite";

export function invitationState(row: InvitationRow, now: Date): InvitationState {
  if (row.accepted_at) return "accepted";
  if (row.revoked_at) return "revoked";
  return row.expires_at <= now ? "expired" : "pending";
}

export function toInvitation(row: InvitationRow, now: Date): Invitation {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    state: invitationState(row, now),
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    invited_by: row.created_by_email,
    sent_count: row.sent_count,
    accepted_at: row.accepted_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}

function newLink(ctx: AppContext, baseUrl: string) {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(ctx.clock.now().getTime() + ctx.config.inviteDays * 86_400_000);
  return { token, expiresAt, url: `${baseUrl}${INVITE_PATH}/${token}`, baseUrl };
}

type Link = ReturnType<typeof newLink>;

async function sendAndShape(ctx: AppContext, call: AdminCall, row: InvitationRow, link: Link): Promise<CreatedInvitation> {
  const emailSent = await emailInvitation(ctx, call, row, link);
  return { ...toInvitation(row, ctx.clock.now()), invite_url: link.url, email_sent: emailSent };
}

async function assertNobodyHas(tx: Transaction, email: string): Promise<void> {
  if (await findUserByEmail(tx, email)) throw new Conflict("A user with this email already exists");
  if ((await findOpenInvitationsFor(tx, email)).length > 0) {
    throw new Conflict(`${email} already has an open invitation: send it again or revoke it`);
  }
}

export async function createInvitation(ctx: AppContext, call: AdminCall, input: { email: string; role?: string }, baseUrl: string): Promise<CreatedInvitation> {
  const email = parseEmail(input.email);
  const role = parseRole(input.role ?? DEFAULT_ROLE);
  const link = newLink(ctx, baseUrl);
  const row = await ctx.db.transaction(async (tx) => {
    await assertNobodyHas(tx, email);
    await assertStillAdmin(tx, call);
    const id = randomUUID();
    await insertInvitation(tx, {
      id,
      email,
      role,
      tokenHash: hashSecret(link.token),
      createdBy: call.actor.id,
      createdAt: ctx.clock.now(),
      expiresAt: link.expiresAt,
    });
    const params = { invitation_id: id, email, role, expires_at: link.expiresAt.toISOString() };
    await ctx.audit.record(tx, { actor: call.actor, action: "invitation.create", target: null, params, ip: call.ip });
    return (await findInvitationById(tx, id))!;
  });
  return sendAndShape(ctx, call, row, link);
}

/** Open invitations (pending and expired), or every one with `all`. Newest first. */
export async function listInvitations(ctx: AppContext, all = false): Promise<Invitation[]> {
  const now = ctx.clock.now();
  return (await listRows(ctx.db, !all)).map((row) => toInvitation(row, now));
}

async function findOpen(tx: Transaction, id: string): Promise<InvitationRow> {
  const row = await findInvitationById(tx, id);
  if (!row) throw new NotFound("Invitation not found");
  if (row.accepted_at) throw new Conflict(`The invitation of ${row.email} was already accepted`);
  if (row.revoked_at) throw new Conflict(`The invitation of ${row.email} was revoked: invite them again`);
  return row;
}

/** A new link for an open (pending or expired) invitation; the old link stops working at once. */
export async function resendInvitation(ctx: AppContext, call: AdminCall, id: string, baseUrl: string): Promise<CreatedInvitation> {
  const link = newLink(ctx, baseUrl);
  const row = await ctx.db.transaction(async (tx) => {
    const open = await findOpen(tx, id);
    await assertStillAdmin(tx, call);
    await replaceInvitationToken(tx, id, hashSecret(link.token), link.expiresAt);
    const params = { invitation_id: id, email: open.email, role: open.role, expires_at: link.expiresAt.toISOString() };
    await ctx.audit.record(tx, { actor: call.actor, action: "invitation.resend", target: null, params, ip: call.ip });
    return (await findInvitationById(tx, id))!;
  });
  return sendAndShape(ctx, call, row, link);
}

/** Its link stops working at once. Revoking a revoked invitation changes nothing; an accepted one is a 409. */
export async function revokeInvitation(ctx: AppContext, call: AdminCall, id: string): Promise<Invitation> {
  const row = await ctx.db.transaction(async (tx) => {
    const found = await findInvitationById(tx, id);
    if (found?.revoked_at) return found;
    const open = await findOpen(tx, id);
    await assertStillAdmin(tx, call);
    await markInvitationRevoked(tx, id, call.actor.id, ctx.clock.now());
    const params = { invitation_id: id, email: open.email, role: open.role };
    await ctx.audit.record(tx, { actor: call.actor, action: "invitation.revoke", target: null, params, ip: call.ip });
    return (await findInvitationById(tx, id))!;
  });
  return toInvitation(row, ctx.clock.now());
}
