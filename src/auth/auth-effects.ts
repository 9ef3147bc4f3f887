// What a transaction does to the in-memory auth state. Repository functions that write users,
// sessions or tokens register the matching effect on their transaction (`tx.effects`); the database
// applies the list right after COMMIT, in commit order, and drops it on ROLLBACK. So no caller pairs
// a write with an in-memory update by hand, and a rolled-back write never reaches the auth state.
import type { AuthSession, AuthToken, AuthUser } from "./auth-state";

export type AuthEffect =
  | { kind: "putUser"; user: AuthUser }
  | { kind: "removeUser"; userId: string }
  | { kind: "putSession"; session: AuthSession }
  | { kind: "endSession"; sessionId: string }
  | { kind: "endSessionsOf"; userId: string; exceptSessionId: string | null }
  | { kind: "putToken"; token: AuthToken }
  | { kind: "revokeToken"; tokenId: string }
  | { kind: "removeTokensOf"; userId: string };

/** Collects one transaction's effects; closed once the transaction ends, so a late write cannot slip in. */
export class AuthEffects {
  private readonly pending: AuthEffect[] = [];
  private closed = false;

  putUser(user: AuthUser): void {
    this.add({ kind: "putUser", user: { ...user } });
  }
  removeUser(userId: string): void {
    this.add({ kind: "removeUser", userId });
  }
  putSession(session: AuthSession): void {
    this.add({ kind: "putSession", session: { ...session } });
  }
  endSession(sessionId: string): void {
    this.add({ kind: "endSession", sessionId });
  }
  endSessionsOf(userId: string, exceptSessionId: string | null): void {
    this.add({ kind: "endSessionsOf", userId, exceptSessionId });
  }
  putToken(token: AuthToken): void {
    this.add({ kind: "putToken", token: { ...token } });
  }
  revokeToken(tokenId: string): void {
    this.add({ kind: "revokeToken", tokenId });
  }
  removeTokensOf(userId: string): void {
    this.add({ kind: "removeTokensOf", userId });
  }

  /** For the database only: the effects to apply after COMMIT (or to drop). Closes the collector. */
  close(): readonly AuthEffect[] {
    this.closed = true;
    return this.pending;
  }

  private add(effect: AuthEffect): void {
    // A write that finishes after its transaction ended (an un-awaited promise) would be lost.
    if (this.closed) throw new Error("auth effect registered after its transaction ended");
    this.pending.push(effect);
  }
}

/** Users whose sessions these effects end (all, or all but the one they act from), or who are locked out. */
export function usersRevoked(effects: readonly AuthEffect[]): string[] {
  const ids = usersLockedOut(effects);
  for (const effect of effects) if (effect.kind === "endSessionsOf") ids.push(effect.userId);
  return ids;
}

/** Users these effects lock out (deactivated or deleted): secrets pending for them must go too. */
export function usersLockedOut(effects: readonly AuthEffect[]): string[] {
  const ids: string[] = [];
  for (const effect of effects) {
    if (effect.kind === "removeUser") ids.push(effect.userId);
    if (effect.kind === "putUser" && !effect.user.active) ids.push(effect.user.id);
  }
  return ids;
}
