// Every SQL statement about invitations. Only SHA-256 of an invitation link's token is stored.
import type { Queryable } from "../../db/database";
import type { Role } from "../../shared/contract";

export type InvitationRow = {
  id: string;
  email: string;
  role: Role;
  token_hash: string;
  created_by: string | null;
  /** The inviting admin's email (null once that account is deleted). */
  created_by_email: string | null;
  created_at: Date;
  expires_at: Date;
  sent_count: number;
  accepted_at: Date | null;
  accepted_user_id: string | null;
  revoked_at: Date | null;
  revoked_by: string | null;
};

const SELECT = `SELECT i.id, i.email, i.role, i.token_hash, i.created_by, u.email AS created_by_email, i.created_at, i.expires_at,
  i.sent_count, i.accepted_at, i.accepted_user_id, i.revoked_at, i.revoked_by
  FROM invitations i LEFT JOIN users u ON u.id = i.created_by`;

export async function insertInvitation(
  q: Queryable,
  r: { id: string; email: string; role: Role; tokenHash: string; createdBy: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await q.run(
    `INSERT INTO invitations (id, email, role, token_hash, created_by, created_at, expires_at, sent_count)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 1)`,
    [r.id, r.email, r.role, r.tokenHash, r.createdBy, r.createdAt, r.expiresAt],
  );
}

export async function findInvitationById(q: Queryable, id: string): Promise<InvitationRow | null> {
  const [row] = await q.query<InvitationRow>(`${SELECT} WHERE i.id = $1`, [id]);
  return row ?? null;
}

export async function findInvitationByHash(q: Queryable, tokenHash: string): Promise<InvitationRow | null> {
  const [row] = await q.query<InvitationRow>(`${SELECT} WHERE i.token_hash = $1`, [tokenHash]);
  return row ?? null;
}

/** Invitations for this address that are neither accepted nor revoked (expired ones included). */
export async function findOpenInvitationsFor(q: Queryable, email: string): Promise<InvitationRow[]> {
  return q.query<InvitationRow>(`${SELECT} WHERE i.email = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL`, [email]);
}

/** Newest first; `open`: neither accepted nor revoked (pending or expired). At most 500. */
export async function listInvitations(q: Queryable, open: boolean): Promise<InvitationRow[]> {
  const where = open ? "WHERE i.accepted_at IS NULL AND i.revoked_at IS NULL" : "";
  return q.query<InvitationRow>(`${SELECT} ${where} ORDER BY i.created_at DESC, i.id LIMIT 500`);
}

/** A new link: the old token stops working, the expiry starts again. */
export async function replaceInvitationToken(q: Queryable, id: string, tokenHash: string, expiresAt: Date): Promise<void> {
  await q.run("UPDATE invitations SET token_hash = $2, expires_at = $3, sent_count = sent_count + 1 WHERE id = $1", [id, tokenHash, expiresAt]);
}

export async function markInvitationRevoked(q: Queryable, id: string, by: string | null, at: Date): Promise<void> {
  await q.run("UPDATE invitations SET revoked_at = $3, revoked_by = $2 WHERE id = $1", [id, by, at]);
}

export async function markInvitationAccepted(q: Queryable, id: string, userId: string, at: Date): Promise<void> {
  await q.run("UPDATE invitations SET accepted_at = $3, accepted_user_id = $2 WHERE id = $1", [id, userId, at]);
}

/** The open invitations an admin issued stop working (an account event of theirs, revocation.ts). */
export async function revokeOpenInvitationsIssuedBy(q: Queryable, createdBy: string, at: Date): Promise<void> {
  await q.run("UPDATE invitations SET revoked_at = $2 WHERE created_by = $1 AND accepted_at IS NULL AND revoked_at IS NULL", [createdBy, at]);
}
