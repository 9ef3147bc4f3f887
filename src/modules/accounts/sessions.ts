// Server-side sessions: created at sign-in, ended by sign-out, by a password or role change and by
// deactivation. Every change goes to the database first, then to the in-memory auth state.
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context";
import type { Queryable } from "../../db/database";
import type { AuthUser } from "../../auth/auth-state";
import { endSessionRow, endSessionsOfUser, insertSession, listLiveSessionsOfUser } from "./sessions-repository";

export type NewSession = { id: string; token: string; expiresAt: Date };

export async function openSession(
  ctx: AppContext,
  tx: Queryable,
  user: AuthUser,
  meta: { ip: string | null; userAgent: string | null },
): Promise<NewSession> {
  const now = ctx.clock.now();
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + ctx.config.sessionTtlHours * 3_600_000);
  await insertSession(tx, { id, userId: user.id, createdAt: now, expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) ?? null });
  const token = await ctx.signer.sign({ userId: user.id, sessionId: id, email: user.email, role: user.role, expiresAt });
  return { id, token, expiresAt };
}

/** Call after the transaction that opened the session committed. */
export function activateSession(ctx: AppContext, userId: string, session: NewSession): void {
  ctx.authState.putSession({ id: session.id, userId, expiresAt: session.expiresAt });
}

export async function endSession(ctx: AppContext, tx: Queryable, sessionId: string): Promise<void> {
  await endSessionRow(tx, sessionId, ctx.clock.now());
}

/**
 * Ends every session of a user (optionally but one) in the database. The caller must then call
 * forgetSessions after its transaction commits.
 */
export async function endAllSessions(ctx: AppContext, tx: Queryable, userId: string, exceptSessionId?: string): Promise<void> {
  await endSessionsOfUser(tx, userId, ctx.clock.now(), exceptSessionId ?? null);
}

export function forgetSessions(ctx: AppContext, userId: string, exceptSessionId?: string): void {
  ctx.authState.endSessionsOf(userId, exceptSessionId);
}

export function forgetSession(ctx: AppContext, sessionId: string): void {
  ctx.authState.endSession(sessionId);
}

/** A user's live sessions for /profile, with last-seen values that are not flushed yet. */
export async function listSessionsOf(ctx: AppContext, userId: string) {
  const rows = await listLiveSessionsOfUser(ctx.db, userId, ctx.clock.now());
  return rows.map((row) => {
    const pending = ctx.activity.pendingSession(row.id);
    return { ...row, last_seen_at: pending?.at ?? row.last_seen_at, ip: pending?.ip ?? row.ip };
  });
}
