// Every SQL statement about server-side sessions. Writes that start or end a session take a
// Transaction and register the matching auth effect (auth-effects.ts); last-seen writes need none.
import type { Queryable, Transaction } from "../../db/database";
import type { SessionKind } from "../../shared/contract";
import { authEffects } from "../../auth/auth-effects";

export type SessionRow = {
  id: string;
  user_id: string;
  created_at: Date;
  expires_at: Date;
  last_seen_at: Date | null;
  ip: string | null;
  user_agent: string | null;
  ended_at: Date | null;
  kind: SessionKind;
  name: string | null;
};

export async function insertSession(
  tx: Transaction,
  s: { id: string; userId: string; createdAt: Date; expiresAt: Date; ip: string | null; userAgent: string | null; kind: SessionKind; name: string | null },
): Promise<void> {
  await tx.run(
    `INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen_at, ip, user_agent, kind, name)
     VALUES ($1, $2, $3, $4, $3, $5, $6, $7, $8)`,
    [s.id, s.userId, s.createdAt, s.expiresAt, s.ip, s.userAgent, s.kind, s.name],
  );
  authEffects(tx).putSession({ id: s.id, userId: s.userId, expiresAt: s.expiresAt, kind: s.kind === "cli" ? "cli" : "browser" });
}

export async function endSessionRow(tx: Transaction, id: string, at: Date): Promise<void> {
  await tx.run("UPDATE sessions SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL", [id, at]);
  authEffects(tx).endSession(id);
}

export async function endSessionsOfUser(tx: Transaction, userId: string, at: Date, exceptId: string | null = null): Promise<void> {
  await tx.run("UPDATE sessions SET ended_at = $2 WHERE user_id = $1 AND ended_at IS NULL AND ($3::VARCHAR IS NULL OR id <> $3)", [userId, at, exceptId]);
  authEffects(tx).endSessionsOf(userId, exceptId);
}

export async function deleteSessionsOfUser(tx: Transaction, userId: string): Promise<void> {
  await tx.run("DELETE FROM sessions WHERE user_id = $1", [userId]);
  authEffects(tx).endSessionsOf(userId, null);
}

export function listLiveSessions(q: Queryable, now: Date) {
  return q.query<{ id: string; user_id: string; expires_at: Date; kind: string }>(
    "SELECT id, user_id, expires_at, coalesce(kind, 'browser') AS kind FROM sessions WHERE ended_at IS NULL AND expires_at > $1",
    [now],
  );
}

export function listLiveSessionsOfUser(q: Queryable, userId: string, now: Date) {
  return q.query<SessionRow>(
    `SELECT id, user_id, created_at, expires_at, last_seen_at, ip, user_agent, ended_at, coalesce(kind, 'browser') AS kind, name FROM sessions
     WHERE user_id = $1 AND ended_at IS NULL AND expires_at > $2 ORDER BY created_at DESC`,
    [userId, now],
  );
}

export async function setSessionLastSeen(q: Queryable, id: string, at: Date, ip: string | null): Promise<void> {
  await q.run("UPDATE sessions SET last_seen_at = $2, ip = coalesce($3, ip) WHERE id = $1", [id, at, ip]);
}
