// In-process auth state: users, live sessions and live tokens, loaded once at start and updated by
// every mutation right after it commits. This process is the only writer of the DuckDB file, so the
// cache is exact, and authenticating a request needs no database read. Look-ups by token hash are
// map look-ups on a SHA-256 digest: the secret itself is never compared.
import type { Role } from "../shared/contract";

export type AuthUser = { id: string; email: string; name: string; role: Role; active: boolean };
export type AuthSession = { id: string; userId: string; expiresAt: Date };
export type AuthToken = { id: string; userId: string; tokenHash: string; expiresAt: Date | null };

export class AuthState {
  private readonly users = new Map<string, AuthUser>();
  private readonly sessions = new Map<string, AuthSession>();
  private readonly tokensByHash = new Map<string, AuthToken>();
  private readonly tokenHashById = new Map<string, string>();

  constructor(initial: { users: AuthUser[]; sessions: AuthSession[]; tokens: AuthToken[] }) {
    for (const user of initial.users) this.putUser(user);
    for (const session of initial.sessions) this.putSession(session);
    for (const token of initial.tokens) this.putToken(token);
  }

  user(id: string): AuthUser | undefined {
    return this.users.get(id);
  }
  hasUsers(): boolean {
    return this.users.size > 0;
  }
  putUser(user: AuthUser): void {
    this.users.set(user.id, { ...user });
  }
  /** Forgets the user and everything that let them in. */
  removeUser(id: string): void {
    this.users.delete(id);
    this.endSessionsOf(id);
    for (const [hash, token] of this.tokensByHash) if (token.userId === id) this.forgetToken(token.id, hash);
  }

  session(id: string): AuthSession | undefined {
    return this.sessions.get(id);
  }
  putSession(session: AuthSession): void {
    this.sessions.set(session.id, { ...session });
  }
  endSession(id: string): void {
    this.sessions.delete(id);
  }
  endSessionsOf(userId: string, exceptSessionId?: string): void {
    for (const [id, session] of this.sessions) {
      if (session.userId === userId && id !== exceptSessionId) this.sessions.delete(id);
    }
  }

  /** Drops sessions and tokens that expired, so a long-running server does not keep them forever. */
  pruneExpired(now: Date): void {
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
    for (const [hash, token] of this.tokensByHash) {
      if (token.expiresAt && token.expiresAt <= now) this.forgetToken(token.id, hash);
    }
  }

  tokenByHash(hash: string): AuthToken | undefined {
    return this.tokensByHash.get(hash);
  }
  putToken(token: AuthToken): void {
    this.tokensByHash.set(token.tokenHash, { ...token });
    this.tokenHashById.set(token.id, token.tokenHash);
  }
  revokeToken(id: string): void {
    const hash = this.tokenHashById.get(id);
    if (hash) this.forgetToken(id, hash);
  }

  private forgetToken(id: string, hash: string): void {
    this.tokensByHash.delete(hash);
    this.tokenHashById.delete(id);
  }
}
