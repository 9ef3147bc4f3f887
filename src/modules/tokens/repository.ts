// Every SQL statement about personal access tokens. Writes that create, revoke or delete a token
// take a Transaction and register the matching auth effect (auth-effects.ts); last-used writes need none.
import type { Queryable, Transaction } from "../../db/database";
import type { TokenStateFilter } from "../../shared/contract";
import { authEffects } from "../../auth/auth-effects";
import type { TokenScope } from "../../shared/contract";
import { parseStoredCidrs, parseStoredScopes } from "../../auth/scopes";

export type TokenRow = {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  last_used_ip: string | null;
  revoked_at: Date | null;
  /** JSON array of scope names (src/auth/scopes.ts reads it). */
  scopes: string;
  rotated_at: Date | null;
  /** JSON array of canonical CIDRs; empty: anywhere. */
  allowed_cidrs: string;
};

// The SQL twin of tokenState() in src/shared/contract.ts (revoked wins over expired), written once
// here; test/unit/token-state.test.ts checks that both agree.
const STATE_SQL = {
  active: (now: string) => `t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ${now}::TIMESTAMP)`,
  revoked: () => "t.revoked_at IS NOT NULL",
  expired: (now: string) => `t.revoked_at IS NULL AND t.expires_at <= ${now}::TIMESTAMP`,
} as const;

/** Tokens that may still authenticate, for loading the auth state at start. */
export function listLiveTokens(q: Queryable, now: Date) {
  return q.query<{ id: string; user_id: string; token_hash: string; expires_at: Date | null; scopes: string; allowed_cidrs: string }>(
    `SELECT t.id, t.user_id, t.token_hash, t.expires_at, t.scopes, t.allowed_cidrs FROM personal_access_tokens t WHERE ${STATE_SQL.active("$1")}`,
    [now],
  );
}

export async function countActiveTokensOfUser(q: Queryable, userId: string, now: Date): Promise<number> {
  const [row] = await q.query<{ n: number }>(`SELECT count(*) AS n FROM personal_access_tokens t WHERE t.user_id = $1 AND ${STATE_SQL.active("$2")}`, [
    userId,
    now,
  ]);
  return row?.n ?? 0;
}

export async function setTokenLastUsed(q: Queryable, id: string, at: Date, ip: string | null): Promise<void> {
  // An unknown address (a use seen only by the error page) keeps the last known one, as for sessions.
  await q.run("UPDATE personal_access_tokens SET last_used_at = $2, last_used_ip = coalesce($3, last_used_ip) WHERE id = $1", [id, at, ip]);
}

export async function deleteTokensOfUser(tx: Transaction, userId: string): Promise<void> {
  await tx.run("DELETE FROM personal_access_tokens WHERE user_id = $1", [userId]);
  authEffects(tx).removeTokensOf(userId);
}

/** Revokes every working token of a user; returns how many it revoked. */
export async function revokeTokensOfUser(tx: Transaction, userId: string, at: Date): Promise<number> {
  const [row] = await tx.query<{ n: number }>(
    "SELECT count(*)::INTEGER AS n FROM personal_access_tokens WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
    [userId, at],
  );
  await tx.run("UPDATE personal_access_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", [userId, at]);
  authEffects(tx).removeTokensOf(userId);
  return row?.n ?? 0;
}

export type AdminTokenRow = TokenRow & { user_email: string | null };
export type AdminTokenFilter = { user: string | null; ownerSubstring?: boolean; state: TokenStateFilter; now: Date; limit: number; offset: number };

const COLUMNS =
  "t.id, t.user_id, t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at, t.last_used_ip, t.revoked_at, t.scopes, t.rotated_at, t.allowed_cidrs";

export async function insertToken(
  tx: Transaction,
  t: {
    id: string;
    userId: string;
    name: string;
    tokenHash: string;
    prefix: string;
    createdAt: Date;
    expiresAt: Date | null;
    scopes: TokenScope[];
    allowedCidrs: string[];
  },
): Promise<void> {
  await tx.run(
    `INSERT INTO personal_access_tokens (id, user_id, name, token_hash, prefix, created_at, expires_at, scopes, allowed_cidrs)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [t.id, t.userId, t.name, t.tokenHash, t.prefix, t.createdAt, t.expiresAt, JSON.stringify(t.scopes), JSON.stringify(t.allowedCidrs)],
  );
  authEffects(tx).putToken({ id: t.id, userId: t.userId, tokenHash: t.tokenHash, expiresAt: t.expiresAt, scopes: t.scopes, allowedCidrs: t.allowedCidrs });
}

export async function findToken(q: Queryable, id: string): Promise<TokenRow | null> {
  const [row] = await q.query<TokenRow>(`SELECT ${COLUMNS} FROM personal_access_tokens t WHERE t.id = $1`, [id]);
  return row ?? null;
}

/** A user's tokens, newest first (revoked and expired ones too: the list is their history). */
export function listTokensOfUser(q: Queryable, userId: string): Promise<TokenRow[]> {
  return q.query<TokenRow>(`SELECT ${COLUMNS} FROM personal_access_tokens t WHERE t.user_id = $1 ORDER BY t.created_at DESC, t.id DESC`, [userId]);
}

/**
 * What the profile page shows: every token that still works (at most 100 per person) and the newest
 * `inactiveLimit` revoked or expired ones, newest first; plus how many older inactive ones are left
 * out. The whole history would grow without bound (thousands of revoked CI tokens).
 */
export async function listTokensOfUserForPage(
  q: Queryable,
  userId: string,
  now: Date,
  inactiveLimit: number,
): Promise<{ rows: TokenRow[]; olderInactive: number }> {
  const inactive = `NOT (${STATE_SQL.active("$2")})`;
  const rows = await q.query<TokenRow>(
    `SELECT ${COLUMNS} FROM personal_access_tokens t
     WHERE t.user_id = $1 AND (${STATE_SQL.active("$2")} OR t.id IN (
       SELECT t.id FROM personal_access_tokens t WHERE t.user_id = $1 AND ${inactive}
       ORDER BY t.created_at DESC, t.id DESC LIMIT $3))
     ORDER BY t.created_at DESC, t.id DESC`,
    [userId, now, inactiveLimit],
  );
  const [count] = await q.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM personal_access_tokens t WHERE t.user_id = $1 AND ${inactive}`, [
    userId,
    now,
  ]);
  return { rows, olderInactive: Math.max(0, (count?.n ?? 0) - inactiveLimit) };
}

/**
 * Every user's tokens with the owner's email; `user` matches the owner's id or email, or with
 * `ownerSubstring` any part of the email (`contains` has no wildcards: `%` and `_` mean themselves).
 */
export async function listAllTokens(q: Queryable, f: AdminTokenFilter): Promise<{ rows: AdminTokenRow[]; total: number }> {
  const where = `WHERE ($1::VARCHAR IS NULL OR t.user_id = $1
        OR (CASE WHEN $4::BOOLEAN THEN contains(u.email, lower(trim($1))) ELSE u.email = lower(trim($1)) END))
      AND (CASE $2
        WHEN 'active' THEN ${STATE_SQL.active("$3")}
        WHEN 'revoked' THEN ${STATE_SQL.revoked()}
        WHEN 'expired' THEN ${STATE_SQL.expired("$3")}
        ELSE TRUE END)`;
  const from = "FROM personal_access_tokens t LEFT JOIN users u ON u.id = t.user_id";
  const params = [f.user, f.state, f.now, f.ownerSubstring === true];
  const rows = await q.query<AdminTokenRow>(
    `SELECT ${COLUMNS}, u.email AS user_email ${from} ${where}
     ORDER BY t.created_at DESC, t.id DESC LIMIT $5 OFFSET $6`,
    [...params, f.limit, f.offset],
  );
  const [count] = await q.query<{ n: number }>(`SELECT count(*) AS n ${from} ${where}`, params);
  return { rows, total: count?.n ?? 0 };
}

/**
 * Marks a token replaced by rotation: it keeps working until `graceUntil` (its new expires_at), so
 * the auth state gets the token again with that expiry and refuses it from then on by itself.
 */
export async function setTokenRotated(tx: Transaction, id: string, at: Date, graceUntil: Date): Promise<void> {
  const [row] = await tx.query<{ id: string; user_id: string; token_hash: string; expires_at: Date; scopes: string; allowed_cidrs: string }>(
    "UPDATE personal_access_tokens SET rotated_at = $2, expires_at = $3 WHERE id = $1 RETURNING id, user_id, token_hash, expires_at, scopes, allowed_cidrs",
    [id, at, graceUntil],
  );
  if (!row) return;
  const scopes = parseStoredScopes(row.scopes);
  authEffects(tx).putToken({
    id: row.id,
    userId: row.user_id,
    tokenHash: row.token_hash,
    expiresAt: row.expires_at,
    scopes,
    allowedCidrs: parseStoredCidrs(row.allowed_cidrs),
  });
}

/** Marks the token revoked unless it already is (the first revocation time is kept). */
export async function setTokenRevoked(tx: Transaction, id: string, at: Date): Promise<void> {
  await tx.run("UPDATE personal_access_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", [id, at]);
  authEffects(tx).revokeToken(id);
}

export async function findTokenWithOwner(q: Queryable, id: string): Promise<AdminTokenRow | null> {
  const [row] = await q.query<AdminTokenRow>(
    `SELECT ${COLUMNS}, u.email AS user_email FROM personal_access_tokens t LEFT JOIN users u ON u.id = t.user_id WHERE t.id = $1`,
    [id],
  );
  return row ?? null;
}

export type ExpiringTokenRow = TokenRow & { expiry_notice_7_at: Date | null; expiry_notice_1_at: Date | null };

/** Working, unrotated tokens that expire after `now` and by `until`, and still lack a notice. */
export function listTokensExpiringBy(q: Queryable, now: Date, until: Date): Promise<ExpiringTokenRow[]> {
  return q.query<ExpiringTokenRow>(
    `SELECT ${COLUMNS}, t.expiry_notice_7_at, t.expiry_notice_1_at FROM personal_access_tokens t
     WHERE t.revoked_at IS NULL AND t.rotated_at IS NULL AND t.expires_at > $1::TIMESTAMP AND t.expires_at <= $2::TIMESTAMP
       AND (t.expiry_notice_7_at IS NULL OR t.expiry_notice_1_at IS NULL)
     ORDER BY t.expires_at, t.id`,
    [now, until],
  );
}

/** Records that a notice went out (`both`: the one-day notice, which makes the seven-day one moot). */
export async function markExpiryNotice(q: Queryable, id: string, at: Date, both: boolean): Promise<void> {
  const sql = both
    ? "UPDATE personal_access_tokens SET expiry_notice_1_at = $2, expiry_notice_7_at = coalesce(expiry_notice_7_at, $2) WHERE id = $1"
    : "UPDATE personal_access_tokens SET expiry_notice_7_at = $2 WHERE id = $1";
  await q.run(sql, [id, at]);
}

/** How many tokens were working at the end of each UTC day from `first` to `last` (the dashboard's chart). */
export function countActiveTokensByDay(q: Queryable, first: Date, last: Date): Promise<{ day: string; n: number }[]> {
  return q.query(
    `WITH days AS (SELECT unnest(generate_series($1::TIMESTAMP, $2::TIMESTAMP, INTERVAL 1 DAY)) AS day)
     SELECT strftime(d.day, '%Y-%m-%d') AS day, count(t.id)::INTEGER AS n FROM days d
     LEFT JOIN personal_access_tokens t ON t.created_at < d.day + INTERVAL 1 DAY
       AND (t.revoked_at IS NULL OR t.revoked_at >= d.day + INTERVAL 1 DAY)
       AND (t.expires_at IS NULL OR t.expires_at >= d.day + INTERVAL 1 DAY)
     GROUP BY d.day ORDER BY d.day`,
    [first, last],
  );
}
