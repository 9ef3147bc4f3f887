// Server-side sessions: created at sign-in, ended by sign-out, by a password or role change, by
// deactivation and deletion. Other modules start and end sessions only through these functions.
// The repository writes register their auth effects on the transaction, so the in-memory state
// follows when (and only if) the transaction commits.
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context";
import type { Queryable, Transaction } from "../../db/database";
import type { AuthSession, AuthUser } from "../../auth/auth-state";
import type { LoginResponse } from "../../shared/contract";
import { sessionHandle } from "../../auth/session-signer";
import { Unauthenticated } from "../../shared/errors";
import { findUser } from "../users/directory";
import {
  deleteSessionsOfUser,
  endSessionRow,
  endSessionsOfUser,
  insertSession,
  listLiveSessions,
  listLiveSessionsOfUser,
  setSessionLastSeen,
} from "./sessions-repository";

/** `id` is the session's handle (what is stored and shown); the raw jti is only inside `token`. */
export type NewSession = { id: string; token: string; expiresAt: Date };
type ClientMeta = { ip: string | null; userAgent: string | null };
/** A browser session lives SESSION_TTL_HOURS; a CLI session ("da on <host>") CLI_SESSION_DAYS. */
export type SessionOrigin = { kind: "browser" } | { kind: "cli"; name: string };

/** Starts a session; it authenticates once the transaction commits. */
export async function openSession(
  ctx: AppContext,
  tx: Transaction,
  user: AuthUser,
  meta: ClientMeta,
  origin: SessionOrigin = { kind: "browser" },
): Promise<NewSession> {
  // A service account never has a session, whatever path asked for one (password, SSO, `da login`).
  if ((await findUser(tx, user.id))?.kind === "service") throw new Unauthenticated("A service account cannot sign in: it uses tokens only");
  const now = ctx.clock.now();
  const jti = randomUUID();
  const id = sessionHandle(jti);
  const lifetimeMs = origin.kind === "cli" ? ctx.config.cliSessionDays * 86_400_000 : ctx.config.sessionTtlHours * 3_600_000;
  const expiresAt = new Date(now.getTime() + lifetimeMs);
  const name = origin.kind === "cli" ? origin.name : null;
  const userAgent = meta.userAgent?.slice(0, 300) ?? null;
  await insertSession(tx, { id, userId: user.id, createdAt: now, expiresAt, ip: meta.ip, userAgent, kind: origin.kind, name });
  const token = await ctx.signer.sign({ userId: user.id, jti, email: user.email, role: user.role, expiresAt });
  return { id, token, expiresAt };
}

/** What every sign-in that hands out a bearer session answers (`POST /auth/token`, `da login`'s exchanges). */
export function loginResponse(user: Pick<AuthUser, "id" | "email" | "role">, session: NewSession): LoginResponse {
  return {
    access_token: session.token,
    token_type: "bearer",
    user_id: user.id,
    email: user.email,
    role: user.role,
    expires_at: session.expiresAt.toISOString(),
  };
}

export async function endSession(ctx: AppContext, tx: Transaction, sessionId: string): Promise<void> {
  await endSessionRow(tx, sessionId, ctx.clock.now());
}

/** Ends every session of a user, optionally but one (the one an admin is using on themselves). */
export async function endAllSessionsOf(ctx: Pick<AppContext, "clock">, tx: Transaction, userId: string, exceptSessionId?: string): Promise<void> {
  await endSessionsOfUser(tx, userId, ctx.clock.now(), exceptSessionId ?? null);
}

/** For deleting the user: their session rows go with them. */
export async function deleteSessionsOf(tx: Transaction, userId: string): Promise<void> {
  await deleteSessionsOfUser(tx, userId);
}

/** A user's live sessions for /profile, with last-seen values that are not flushed yet. */
export async function listSessionsOf(ctx: AppContext, userId: string) {
  const rows = await listLiveSessionsOfUser(ctx.db, userId, ctx.clock.now());
  return rows.map((row) => {
    const pending = ctx.activity.pendingSession(row.id);
    return { ...row, last_seen_at: pending?.at ?? row.last_seen_at, ip: pending?.ip ?? row.ip };
  });
}

/** Live sessions as the auth state holds them (its loader, auth-records.ts). */
export async function liveSessionsForAuth(q: Queryable, now: Date): Promise<AuthSession[]> {
  const rows = await listLiveSessions(q, now);
  return rows.map((s) => ({ id: s.id, userId: s.user_id, expiresAt: s.expires_at, kind: s.kind === "cli" ? "cli" : "browser" }));
}

/** The activity recorder's batched "last seen" write. */
export function writeSessionLastSeen(q: Queryable, id: string, at: Date, ip: string | null): Promise<void> {
  return setSessionLastSeen(q, id, at, ip);
}
