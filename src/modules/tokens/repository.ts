// Every SQL statement about personal access tokens.
import type { Queryable } from "../../db/database";

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
};

/** Tokens that may still authenticate, for loading the auth state at start. */
export function listLiveTokens(q: Queryable, now: Date) {
  return q.query<{ id: string; user_id: string; token_hash: string; expires_at: Date | null }>(
    `SELECT id, user_id, token_hash, expires_at FROM personal_access_tokens
     WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1)`,
    [now],
  );
}

export async function setTokenLastUsed(q: Queryable, id: string, at: Date, ip: string | null): Promise<void> {
  await q.run("UPDATE personal_access_tokens SET last_used_at = $2, last_used_ip = $3 WHERE id = $1", [id, at, ip]);
}

export async function deleteTokensOfUser(q: Queryable, userId: string): Promise<void> {
  await q.run("DELETE FROM personal_access_tokens WHERE user_id = $1", [userId]);
}
