// Every SQL statement about OAuth clients, grants and tokens. Writes that create or end an access
// token register the matching auth effect (auth-effects.ts) on their transaction.
import type { Queryable, Transaction } from "../../db/database";
import type { AuthOAuthToken } from "../../auth/auth-state";
import { authEffects } from "../../auth/auth-effects";
import type { TokenScope as Scope } from "../../shared/contract";

export type ClientRow = {
  id: string;
  name: string;
  redirect_uris: string;
  created_at: Date;
  created_by: string | null;
  created_ip: string | null;
  last_used_at: Date | null;
};
export type GrantRow = {
  id: string;
  user_id: string;
  client_id: string;
  scopes: string;
  resource: string;
  created_at: Date;
  last_used_at: Date | null;
  last_used_ip: string | null;
  addresses: string;
  revoked_at: Date | null;
};
export type TokenRow = { id: string; grant_id: string; kind: "access" | "refresh"; token_hash: string; expires_at: Date; used_at: Date | null };

export async function insertClient(tx: Transaction, row: Omit<ClientRow, "last_used_at">): Promise<void> {
  await tx.run("INSERT INTO oauth_clients (id, name, redirect_uris, created_at, created_by, created_ip) VALUES ($1, $2, $3, $4, $5, $6)", [
    row.id,
    row.name,
    row.redirect_uris,
    row.created_at,
    row.created_by,
    row.created_ip,
  ]);
}

export async function findClient(q: Queryable, id: string): Promise<ClientRow | null> {
  const [row] = await q.query<ClientRow>("SELECT * FROM oauth_clients WHERE id = $1", [id]);
  return row ?? null;
}

export function listClients(q: Queryable): Promise<(ClientRow & { live_grants: number })[]> {
  return q.query(
    `SELECT c.*, (SELECT count(*)::INTEGER FROM oauth_grants g WHERE g.client_id = c.id AND g.revoked_at IS NULL) AS live_grants
     FROM oauth_clients c ORDER BY c.created_at DESC LIMIT 500`,
  );
}

export async function touchClient(tx: Transaction, id: string, at: Date): Promise<void> {
  await tx.run("UPDATE oauth_clients SET last_used_at = $2 WHERE id = $1", [id, at]);
}

/**
 * Clients neither used nor registered since `before` and with no grant that could still refresh
 * (revoked, or its refresh tokens expired at `now`): the 30-day clean-up. Their dead grants go too.
 */
export async function deleteUnusedClients(tx: Transaction, before: Date, now: Date): Promise<{ id: string; name: string }[]> {
  const rows = await tx.query<{ id: string; name: string }>(
    `SELECT id, name FROM oauth_clients c WHERE coalesce(c.last_used_at, c.created_at) < $1
     AND NOT EXISTS (SELECT 1 FROM oauth_grants g JOIN oauth_tokens t ON t.grant_id = g.id
       WHERE g.client_id = c.id AND g.revoked_at IS NULL AND t.kind = 'refresh' AND t.used_at IS NULL AND t.expires_at > $2)`,
    [before, now],
  );
  for (const { id } of rows) {
    await tx.run("DELETE FROM oauth_tokens WHERE grant_id IN (SELECT id FROM oauth_grants WHERE client_id = $1)", [id]);
    await tx.run("DELETE FROM oauth_grants WHERE client_id = $1", [id]);
    await tx.run("DELETE FROM oauth_clients WHERE id = $1", [id]);
  }
  return rows;
}

export async function liveGrantIdsOfClient(q: Queryable, clientId: string): Promise<string[]> {
  return (await q.query<{ id: string }>("SELECT id FROM oauth_grants WHERE client_id = $1 AND revoked_at IS NULL", [clientId])).map((r) => r.id);
}

export async function deleteClient(tx: Transaction, id: string): Promise<void> {
  await tx.run("DELETE FROM oauth_clients WHERE id = $1", [id]);
}

export async function insertGrant(tx: Transaction, row: Omit<GrantRow, "last_used_at" | "last_used_ip" | "revoked_at">): Promise<void> {
  await tx.run("INSERT INTO oauth_grants (id, user_id, client_id, scopes, resource, created_at, addresses) VALUES ($1, $2, $3, $4, $5, $6, $7)", [
    row.id,
    row.user_id,
    row.client_id,
    row.scopes,
    row.resource,
    row.created_at,
    row.addresses,
  ]);
}

export async function findGrant(q: Queryable, id: string): Promise<GrantRow | null> {
  const [row] = await q.query<GrantRow>("SELECT * FROM oauth_grants WHERE id = $1", [id]);
  return row ?? null;
}

/** Live grants (not revoked, a refresh token not expired), newest first; every person's when `userId` is null. */
export function listLiveGrants(q: Queryable, userId: string | null, now: Date) {
  return q.query<GrantRow & { client_name: string; redirect_uris: string; user_email: string | null }>(
    `SELECT g.*, c.name AS client_name, c.redirect_uris, u.email AS user_email FROM oauth_grants g
     JOIN oauth_clients c ON c.id = g.client_id LEFT JOIN users u ON u.id = g.user_id
     WHERE g.revoked_at IS NULL AND ($1::VARCHAR IS NULL OR g.user_id = $1)
     AND EXISTS (SELECT 1 FROM oauth_tokens t WHERE t.grant_id = g.id AND t.kind = 'refresh' AND t.used_at IS NULL AND t.expires_at > $2)
     ORDER BY g.created_at DESC LIMIT 500`,
    [userId, now],
  );
}

export async function revokeGrant(tx: Transaction, id: string, at: Date, reason: string): Promise<boolean> {
  const [row] = await tx.query<{ n: number }>("SELECT count(*)::INTEGER AS n FROM oauth_grants WHERE id = $1 AND revoked_at IS NULL", [id]);
  await tx.run("UPDATE oauth_grants SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL", [id, at, reason]);
  await tx.run("DELETE FROM oauth_tokens WHERE grant_id = $1", [id]);
  authEffects(tx).endOAuthGrant(id);
  return (row?.n ?? 0) > 0;
}

/** Ends every grant of a person (an account event, or deletion); returns how many were live. */
export async function revokeGrantsOfUser(tx: Transaction, userId: string, at: Date, reason: string): Promise<number> {
  const [row] = await tx.query<{ n: number }>("SELECT count(*)::INTEGER AS n FROM oauth_grants WHERE user_id = $1 AND revoked_at IS NULL", [userId]);
  await tx.run("UPDATE oauth_grants SET revoked_at = $2, revoked_reason = $3 WHERE user_id = $1 AND revoked_at IS NULL", [userId, at, reason]);
  await tx.run("DELETE FROM oauth_tokens WHERE grant_id IN (SELECT id FROM oauth_grants WHERE user_id = $1)", [userId]);
  authEffects(tx).endOAuthGrantsOf(userId);
  return row?.n ?? 0;
}

export async function deleteGrantsOfUser(tx: Transaction, userId: string): Promise<void> {
  await tx.run("DELETE FROM oauth_tokens WHERE grant_id IN (SELECT id FROM oauth_grants WHERE user_id = $1)", [userId]);
  await tx.run("DELETE FROM oauth_grants WHERE user_id = $1", [userId]);
  authEffects(tx).endOAuthGrantsOf(userId);
}

export async function setGrantLastUsed(q: Queryable, id: string, at: Date, ip: string | null): Promise<void> {
  await q.run("UPDATE oauth_grants SET last_used_at = $2, last_used_ip = coalesce($3, last_used_ip) WHERE id = $1", [id, at, ip]);
}

export async function setGrantAddresses(tx: Transaction, id: string, addresses: string[]): Promise<void> {
  await tx.run("UPDATE oauth_grants SET addresses = $2 WHERE id = $1", [id, JSON.stringify(addresses)]);
}

export async function insertAccessToken(tx: Transaction, token: AuthOAuthToken, createdAt: Date): Promise<void> {
  await insertTokenRow(tx, { ...token, kind: "access" }, createdAt);
  authEffects(tx).putOAuthToken(token);
}

export async function insertRefreshToken(tx: Transaction, token: { id: string; grantId: string; tokenHash: string; expiresAt: Date }, createdAt: Date) {
  await insertTokenRow(tx, { ...token, kind: "refresh" }, createdAt);
}

async function insertTokenRow(tx: Transaction, t: { id: string; grantId: string; tokenHash: string; expiresAt: Date; kind: string }, at: Date) {
  await tx.run("INSERT INTO oauth_tokens (id, grant_id, kind, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)", [
    t.id,
    t.grantId,
    t.kind,
    t.tokenHash,
    at,
    t.expiresAt,
  ]);
}

export async function findTokenByHash(q: Queryable, hash: string): Promise<TokenRow | null> {
  const [row] = await q.query<TokenRow>("SELECT id, grant_id, kind, token_hash, expires_at, used_at FROM oauth_tokens WHERE token_hash = $1", [hash]);
  return row ?? null;
}

export async function markRefreshUsed(tx: Transaction, id: string, at: Date): Promise<void> {
  await tx.run("UPDATE oauth_tokens SET used_at = $2 WHERE id = $1", [id, at]);
}

/** Live access tokens (their grant not revoked), for loading the auth state at start. */
export function listLiveAccessTokens(q: Queryable, now: Date) {
  return q.query<{ id: string; grant_id: string; user_id: string; client_id: string; token_hash: string; scopes: string; resource: string; expires_at: Date }>(
    `SELECT t.id, t.grant_id, g.user_id, g.client_id, t.token_hash, g.scopes, g.resource, t.expires_at FROM oauth_tokens t
     JOIN oauth_grants g ON g.id = t.grant_id WHERE t.kind = 'access' AND t.expires_at > $1 AND g.revoked_at IS NULL`,
    [now],
  );
}

export const scopesOf = (row: Pick<GrantRow, "scopes">): Scope[] => row.scopes.split(" ").filter(Boolean) as Scope[];
