// Every SQL statement about single sign-on identities (table from migration 004).
import type { Queryable, SqlParam } from "../../db/database";

export type IdentityRow = {
  issuer: string;
  subject: string;
  user_id: string;
  provider: string;
  email: string | null;
  created_at: Date;
  last_login_at: Date | null;
};

const COLUMNS = "issuer, subject, user_id, provider, email, created_at, last_login_at";

export async function findIdentity(q: Queryable, issuer: string, subject: string): Promise<IdentityRow | null> {
  const [row] = await q.query<IdentityRow>(`SELECT ${COLUMNS} FROM oidc_identities WHERE issuer = $1 AND subject = $2`, [issuer, subject]);
  return row ?? null;
}

export function listIdentitiesOfUser(q: Queryable, userId: string): Promise<IdentityRow[]> {
  return q.query<IdentityRow>(`SELECT ${COLUMNS} FROM oidc_identities WHERE user_id = $1 ORDER BY created_at`, [userId]);
}

export async function insertIdentity(
  q: Queryable,
  identity: { issuer: string; subject: string; userId: string; provider: string; email: string | null; now: Date; linkedByAdmin?: boolean },
): Promise<void> {
  // Bound at a sign-in, it was last used now; linked by an admin, it has not been used yet.
  await q.run(
    `INSERT INTO oidc_identities (issuer, subject, user_id, provider, email, created_at, last_login_at)
     VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN NULL ELSE $6 END)`,
    [identity.issuer, identity.subject, identity.userId, identity.provider, identity.email, identity.now, identity.linkedByAdmin === true],
  );
}

/** A sign-in through this identity: when, and the email the provider gave this time. */
export async function touchIdentity(q: Queryable, issuer: string, subject: string, email: string | null, at: Date): Promise<void> {
  await q.run("UPDATE oidc_identities SET last_login_at = $3, email = $4 WHERE issuer = $1 AND subject = $2", [issuer, subject, at, email]);
}

export async function deleteIdentity(q: Queryable, issuer: string, subject: string): Promise<void> {
  await q.run("DELETE FROM oidc_identities WHERE issuer = $1 AND subject = $2", [issuer, subject]);
}

export async function deleteIdentitiesOfUser(q: Queryable, userId: string): Promise<void> {
  await q.run("DELETE FROM oidc_identities WHERE user_id = $1", [userId]);
}

export type SignInMethodRow = {
  user_id: string;
  has_password: boolean;
  groups_detached: boolean;
  issuer: string | null;
  provider: string | null;
  last_login_at: Date | null;
};

/** For the admin users page: whether each user has a password, and their SSO identities. */
export function listSignInMethods(q: Queryable, userIds: string[]): Promise<SignInMethodRow[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  const params: SqlParam[] = [...userIds];
  const placeholders = userIds.map((_, i) => `$${i + 1}`).join(", ");
  return q.query<SignInMethodRow>(
    `SELECT u.id AS user_id, u.password_hash IS NOT NULL AS has_password, d.user_id IS NOT NULL AS groups_detached,
       i.issuer, i.provider, i.last_login_at
     FROM users u LEFT JOIN oidc_identities i ON i.user_id = u.id LEFT JOIN sso_groups_detached d ON d.user_id = u.id
     WHERE u.id IN (${placeholders}) ORDER BY u.id, i.created_at`,
    params,
  );
}

/** True when an admin detached this person from their provider's groups (migration 007). */
export async function isGroupsDetached(q: Queryable, userId: string): Promise<boolean> {
  const rows = await q.query<{ user_id: string }>("SELECT user_id FROM sso_groups_detached WHERE user_id = $1", [userId]);
  return rows.length > 0;
}

export async function insertGroupsDetached(q: Queryable, userId: string, by: string, at: Date): Promise<void> {
  await q.run("INSERT INTO sso_groups_detached (user_id, detached_at, detached_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [userId, at, by]);
}

export async function deleteGroupsDetached(q: Queryable, userId: string): Promise<void> {
  await q.run("DELETE FROM sso_groups_detached WHERE user_id = $1", [userId]);
}
