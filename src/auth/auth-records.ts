// Reads what the auth state holds from the tables: every user, live sessions and live tokens at
// `now`. createContext loads the state from this, and the model test compares the live state
// against a fresh load of it after every step.
import type { Queryable } from "../db/database";
import { listAuthUsers } from "../modules/users/repository";
import { listLiveSessions } from "../modules/accounts/sessions-repository";
import { listLiveTokens } from "../modules/tokens/repository";
import type { AuthRecords } from "./auth-state";

export async function readAuthRecords(q: Queryable, now: Date): Promise<AuthRecords> {
  const sessions = await listLiveSessions(q, now);
  const tokens = await listLiveTokens(q, now);
  return {
    users: await listAuthUsers(q),
    sessions: sessions.map((s) => ({ id: s.id, userId: s.user_id, expiresAt: s.expires_at })),
    tokens: tokens.map((t) => ({ id: t.id, userId: t.user_id, tokenHash: t.token_hash, expiresAt: t.expires_at })),
  };
}
