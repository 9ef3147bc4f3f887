// Every SQL statement about password reset links. Only SHA-256(token) is stored.
import type { Queryable } from "../../db/database";

export type PasswordResetRow = {
  id: string;
  user_id: string;
  token_hash: string;
  created_by: string | null;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
};

export async function insertPasswordReset(
  q: Queryable,
  r: { id: string; userId: string; tokenHash: string; createdBy: string | null; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await q.run(
    `INSERT INTO password_resets (id, user_id, token_hash, created_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [r.id, r.userId, r.tokenHash, r.createdBy, r.createdAt, r.expiresAt],
  );
}

export async function findPasswordResetByHash(q: Queryable, tokenHash: string): Promise<PasswordResetRow | null> {
  const [row] = await q.query<PasswordResetRow>(
    "SELECT id, user_id, token_hash, created_by, created_at, expires_at, used_at FROM password_resets WHERE token_hash = $1",
    [tokenHash],
  );
  return row ?? null;
}

export async function markPasswordResetUsed(q: Queryable, id: string, at: Date): Promise<void> {
  await q.run("UPDATE password_resets SET used_at = $2 WHERE id = $1", [id, at]);
}

/** Unused links of a user stop working: a newer link, a password set by an admin, or a completed reset replaces them. */
export async function deleteUnusedPasswordResetsOfUser(q: Queryable, userId: string): Promise<void> {
  await q.run("DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL", [userId]);
}

export async function deletePasswordResetsOfUser(q: Queryable, userId: string): Promise<void> {
  await q.run("DELETE FROM password_resets WHERE user_id = $1", [userId]);
}

/** When the user's newest link that still works was issued (null: none), for "replaces the link issued at …". */
export async function findLiveResetIssuedAt(q: Queryable, userId: string, now: Date): Promise<Date | null> {
  const [row] = await q.query<{ created_at: Date }>(
    "SELECT max(created_at) AS created_at FROM password_resets WHERE user_id = $1 AND used_at IS NULL AND expires_at > $2::TIMESTAMP",
    [userId, now],
  );
  return row?.created_at ?? null;
}
