// In-process auth state: users, live sessions and live tokens, loaded once at start. This process is
// the only writer of the DuckDB file, so the copy is exact, and authenticating a request needs no
// database read. Look-ups by token hash are map look-ups on a SHA-256 digest: the secret itself is
// never compared.
//
// Nothing outside the database's commit hook changes it: `AuthState.load` hands the function that
// applies effects to whoever loads the state (createContext, which gives it to `db.feedAuthState`),
// and the state itself only answers questions. See auth-effects.ts.
import type { Role, TokenScope } from "../shared/contract";
import type { AuthEffect } from "./auth-effects";

export type AuthUser = { id: string; email: string; name: string; role: Role; active: boolean };
/** `kind`: a browser session, or a CLI session (`da login`) — only the first may approve `da` sign-ins. */
export type AuthSession = { id: string; userId: string; expiresAt: Date; kind: "browser" | "cli" };
/** `scopes`: what the token may do besides what its owner's role allows (src/auth/scopes.ts). */
export type AuthToken = {
  id: string;
  userId: string;
  tokenHash: string;
  expiresAt: Date | null;
  scopes: readonly TokenScope[];
  /** Networks it may be used from (canonical CIDRs); empty: anywhere. */
  allowedCidrs: readonly string[];
};
export type AuthRecords = { users: AuthUser[]; sessions: AuthSession[]; tokens: AuthToken[] };
export type ApplyAuthEffects = (effects: readonly AuthEffect[]) => void;

export class AuthState {
  readonly #users = new Map<string, AuthUser>();
  readonly #sessions = new Map<string, AuthSession>();
  readonly #tokensByHash = new Map<string, AuthToken>();
  readonly #tokenHashById = new Map<string, string>();

  private constructor() {}

  /** A state holding `records`, and the one function that may change it afterwards. */
  static load(records: AuthRecords): { state: AuthState; apply: ApplyAuthEffects } {
    const state = new AuthState();
    for (const user of records.users) state.#apply({ kind: "putUser", user });
    for (const session of records.sessions) state.#apply({ kind: "putSession", session });
    for (const token of records.tokens) state.#apply({ kind: "putToken", token });
    return { state, apply: (effects) => effects.forEach((effect) => state.#apply(effect)) };
  }

  user(id: string): AuthUser | undefined {
    return this.#users.get(id);
  }
  hasUsers(): boolean {
    return this.#users.size > 0;
  }
  session(id: string): AuthSession | undefined {
    return this.#sessions.get(id);
  }
  tokenByHash(hash: string): AuthToken | undefined {
    return this.#tokensByHash.get(hash);
  }

  /**
   * Drops sessions and tokens that expired, so a long-running server does not keep them forever.
   * Not a change of what authenticates (expired entries never do), so it needs no database write.
   */
  pruneExpired(now: Date): void {
    for (const [id, session] of this.#sessions) if (session.expiresAt <= now) this.#sessions.delete(id);
    for (const [hash, token] of this.#tokensByHash) {
      if (token.expiresAt && token.expiresAt <= now) this.#forgetToken(token.id, hash);
    }
  }

  /** Copies of everything that can authenticate at `now`, sorted by id: for comparing two states. */
  snapshot(now: Date): AuthRecords {
    const byId = <T extends { id: string }>(items: Iterable<T>) =>
      [...items].map((item) => ({ ...item })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const tokens = [...this.#tokensByHash.values()];
    // The two token indexes must agree, or revoking by id would miss a token that still authenticates.
    if (tokens.some((t) => this.#tokenHashById.get(t.id) !== t.tokenHash) || tokens.length !== this.#tokenHashById.size) {
      throw new Error("auth state: token indexes disagree");
    }
    return {
      users: byId(this.#users.values()),
      sessions: byId([...this.#sessions.values()].filter((s) => s.expiresAt > now)),
      tokens: byId(tokens.filter((t) => t.expiresAt === null || t.expiresAt > now)),
    };
  }

  #apply(effect: AuthEffect): void {
    switch (effect.kind) {
      case "putUser":
        return void this.#users.set(effect.user.id, { ...effect.user });
      case "removeUser":
        return void this.#users.delete(effect.userId);
      case "putSession":
        return void this.#sessions.set(effect.session.id, { ...effect.session });
      case "endSession":
        return void this.#sessions.delete(effect.sessionId);
      case "endSessionsOf":
        for (const [id, s] of this.#sessions) if (s.userId === effect.userId && id !== effect.exceptSessionId) this.#sessions.delete(id);
        return;
      case "putToken":
        this.#tokensByHash.set(effect.token.tokenHash, { ...effect.token, scopes: [...effect.token.scopes], allowedCidrs: [...effect.token.allowedCidrs] });
        return void this.#tokenHashById.set(effect.token.id, effect.token.tokenHash);
      case "revokeToken": {
        const hash = this.#tokenHashById.get(effect.tokenId);
        return void (hash && this.#forgetToken(effect.tokenId, hash));
      }
      case "removeTokensOf":
        for (const [hash, t] of this.#tokensByHash) if (t.userId === effect.userId) this.#forgetToken(t.id, hash);
        return;
    }
  }

  #forgetToken(id: string, hash: string): void {
    this.#tokensByHash.delete(hash);
    this.#tokenHashById.delete(id);
  }
}
