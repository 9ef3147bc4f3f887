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
import { GroupAccess, type GroupRecords } from "./group-access";

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
/**
 * Groups, memberships, grants and OAuth tokens are optional for states built by hand (tests); a
 * snapshot always has them. `mustChangePassword`: ids of people whose password an admin set;
 * `mustEnrolSecondFactor`: people a password sign-in found without a second factor while MFA_REQUIRED covered them.
 */
export type AuthRecords = {
  users: AuthUser[];
  sessions: AuthSession[];
  tokens: AuthToken[];
  mustChangePassword?: string[];
  mustEnrolSecondFactor?: string[];
  oauthTokens?: AuthOAuthToken[];
} & Partial<GroupRecords>;
/** What the rest of the server may ask about groups and grants (never change). */
export type GroupReader = Pick<GroupAccess, "group" | "groupsOf" | "grantFor" | "grantsOf">;
/** A live OAuth access token (src/modules/oauth): its grant is the refresh family it belongs to. */
export type AuthOAuthToken = {
  id: string;
  grantId: string;
  userId: string;
  clientId: string;
  tokenHash: string;
  scopes: TokenScope[];
  /** The resource (RFC 8707) it was issued for: it works only there. */
  resource: string;
  expiresAt: Date;
};
export type ApplyAuthEffects = (effects: readonly AuthEffect[]) => void;

export class AuthState {
  readonly #users = new Map<string, AuthUser>();
  readonly #sessions = new Map<string, AuthSession>();
  readonly #tokensByHash = new Map<string, AuthToken>();
  readonly #tokenHashById = new Map<string, string>();
  readonly #groups = new GroupAccess();
  readonly #mustChangePassword = new Set<string>();
  readonly #mustEnrol = new Set<string>();
  readonly #oauthByHash = new Map<string, AuthOAuthToken>();

  private constructor() {}

  /** A state holding `records`, and the one function that may change it afterwards. */
  static load(records: AuthRecords): { state: AuthState; apply: ApplyAuthEffects } {
    const state = new AuthState();
    for (const user of records.users) state.#apply({ kind: "putUser", user });
    for (const session of records.sessions) state.#apply({ kind: "putSession", session });
    for (const token of records.tokens) state.#apply({ kind: "putToken", token });
    for (const group of records.groups ?? []) state.#apply({ kind: "putGroup", group });
    for (const membership of records.memberships ?? []) state.#apply({ kind: "putMembership", membership });
    for (const grant of records.grants ?? []) state.#apply({ kind: "putGrant", grant });
    for (const userId of records.mustChangePassword ?? []) state.#apply({ kind: "passwordChangeRequired", userId, required: true });
    for (const userId of records.mustEnrolSecondFactor ?? []) state.#apply({ kind: "secondFactorRequired", userId, required: true });
    for (const token of records.oauthTokens ?? []) state.#apply({ kind: "putOAuthToken", token });
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
  /** Groups, memberships and grants: who may read which dataset (src/modules/data/access.ts). */
  get groups(): GroupReader {
    return this.#groups;
  }

  /** An admin set this person's password: they must choose their own before anything else. */
  mustChangePassword(userId: string): boolean {
    return this.#mustChangePassword.has(userId);
  }

  /** MFA_REQUIRED covered this person at a password sign-in and they have no second factor yet. */
  mustEnrolSecondFactor(userId: string): boolean {
    return this.#mustEnrol.has(userId);
  }

  oauthTokenByHash(hash: string): AuthOAuthToken | undefined {
    return this.#oauthByHash.get(hash);
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
    for (const [hash, token] of this.#oauthByHash) if (token.expiresAt <= now) this.#oauthByHash.delete(hash);
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
      ...this.#groups.snapshot(),
      mustChangePassword: [...this.#mustChangePassword].sort(),
      mustEnrolSecondFactor: [...this.#mustEnrol].sort(),
      oauthTokens: byId([...this.#oauthByHash.values()].filter((t) => t.expiresAt > now)).map((t) => ({ ...t, scopes: [...t.scopes] })),
    };
  }

  #apply(effect: AuthEffect): void {
    switch (effect.kind) {
      case "putUser":
        return void this.#users.set(effect.user.id, { ...effect.user });
      case "removeUser":
        this.#mustChangePassword.delete(effect.userId);
        this.#mustEnrol.delete(effect.userId);
        this.#endOAuth((t) => t.userId === effect.userId);
        return void this.#users.delete(effect.userId);
      case "passwordChangeRequired":
        if (effect.required) return void this.#mustChangePassword.add(effect.userId);
        return void this.#mustChangePassword.delete(effect.userId);
      case "secondFactorRequired":
        if (effect.required) return void this.#mustEnrol.add(effect.userId);
        return void this.#mustEnrol.delete(effect.userId);
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
      case "putOAuthToken":
        return void this.#oauthByHash.set(effect.token.tokenHash, { ...effect.token, scopes: [...effect.token.scopes] });
      case "endOAuthGrant":
        return this.#endOAuth((t) => t.grantId === effect.grantId);
      case "endOAuthGrantsOf":
        return this.#endOAuth((t) => t.userId === effect.userId);
      default:
        return this.#groups.apply(effect);
    }
  }

  #endOAuth(matches: (token: AuthOAuthToken) => boolean): void {
    for (const [hash, token] of this.#oauthByHash) if (matches(token)) this.#oauthByHash.delete(hash);
  }

  #forgetToken(id: string, hash: string): void {
    this.#tokensByHash.delete(hash);
    this.#tokenHashById.delete(id);
  }
}
