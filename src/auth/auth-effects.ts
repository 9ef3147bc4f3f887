// What a transaction does to the in-memory auth state. Repository functions that write users,
// sessions or tokens register the matching effect on their transaction (`authEffects(tx).putUser(…)`);
// the database hands the list over right after COMMIT, in commit order, and drops it on ROLLBACK.
// So no caller pairs a write with an in-memory update by hand, and a rolled-back write never
// reaches the auth state.
import type { CommitEffect, Transaction } from "../db/database";
import type { AuthOAuthToken, AuthSession, AuthToken, AuthUser } from "./auth-state";
import { GROUP_EFFECT_KINDS, type AuthGrant, type AuthGroup, type AuthMembership, type GroupEffect } from "./group-access";

export type AuthEffect =
  | { kind: "putUser"; user: AuthUser }
  | { kind: "removeUser"; userId: string }
  | { kind: "putSession"; session: AuthSession }
  | { kind: "endSession"; sessionId: string }
  | { kind: "endSessionsOf"; userId: string; exceptSessionId: string | null }
  | { kind: "putToken"; token: AuthToken }
  | { kind: "revokeToken"; tokenId: string }
  | { kind: "removeTokensOf"; userId: string }
  | { kind: "passwordChangeRequired"; userId: string; required: boolean }
  | { kind: "secondFactorRequired"; userId: string; required: boolean }
  | { kind: "putOAuthToken"; token: AuthOAuthToken }
  | { kind: "endOAuthGrant"; grantId: string }
  | { kind: "endOAuthGrantsOf"; userId: string }
  | GroupEffect;

/**
 * The auth effects of a write, registered on its transaction (`tx.onCommit`): the database hands
 * them to the auth state after COMMIT (createContext listens), and drops them on ROLLBACK.
 */
export function authEffects(tx: Transaction) {
  const add = (effect: AuthEffect) => tx.onCommit(effect);
  return {
    putUser: (user: AuthUser) => add({ kind: "putUser", user: { ...user } }),
    removeUser: (userId: string) => add({ kind: "removeUser", userId }),
    putSession: (session: AuthSession) => add({ kind: "putSession", session: { ...session } }),
    endSession: (sessionId: string) => add({ kind: "endSession", sessionId }),
    endSessionsOf: (userId: string, exceptSessionId: string | null) => add({ kind: "endSessionsOf", userId, exceptSessionId }),
    putToken: (token: AuthToken) => add({ kind: "putToken", token: { ...token, scopes: [...token.scopes], allowedCidrs: [...token.allowedCidrs] } }),
    revokeToken: (tokenId: string) => add({ kind: "revokeToken", tokenId }),
    removeTokensOf: (userId: string) => add({ kind: "removeTokensOf", userId }),
    putGroup: (group: AuthGroup) => add({ kind: "putGroup", group: { ...group } }),
    removeGroup: (groupId: string) => add({ kind: "removeGroup", groupId }),
    putMembership: (membership: AuthMembership) => add({ kind: "putMembership", membership: { ...membership } }),
    removeMembership: (groupId: string, userId: string) => add({ kind: "removeMembership", groupId, userId }),
    removeMembershipsOfUser: (userId: string) => add({ kind: "removeMembershipsOfUser", userId }),
    removeMembershipsOfGroup: (groupId: string) => add({ kind: "removeMembershipsOfGroup", groupId }),
    putGrant: (grant: AuthGrant) => add({ kind: "putGrant", grant: { ...grant } }),
    removeGrant: (dataset: string, groupId: string) => add({ kind: "removeGrant", dataset, groupId }),
    removeGrantsOfDataset: (dataset: string) => add({ kind: "removeGrantsOfDataset", dataset }),
    removeGrantsOfGroup: (groupId: string) => add({ kind: "removeGrantsOfGroup", groupId }),
    passwordChangeRequired: (userId: string, required: boolean) => add({ kind: "passwordChangeRequired", userId, required }),
    secondFactorRequired: (userId: string, required: boolean) => add({ kind: "secondFactorRequired", userId, required }),
    putOAuthToken: (token: AuthOAuthToken) => add({ kind: "putOAuthToken", token: { ...token, scopes: [...token.scopes] } }),
    endOAuthGrant: (grantId: string) => add({ kind: "endOAuthGrant", grantId }),
    endOAuthGrantsOf: (userId: string) => add({ kind: "endOAuthGrantsOf", userId }),
  };
}

const AUTH_EFFECT_KINDS = new Set<string>([
  "putUser",
  "removeUser",
  "putSession",
  "endSession",
  "endSessionsOf",
  "putToken",
  "revokeToken",
  "removeTokensOf",
  ...GROUP_EFFECT_KINDS,
  "passwordChangeRequired",
  "secondFactorRequired",
  "putOAuthToken",
  "endOAuthGrant",
  "endOAuthGrantsOf",
]);

/** The auth effects among a transaction's committed effects (today every effect is one). */
export function authEffectsOf(effects: readonly CommitEffect[]): AuthEffect[] {
  return effects.filter((e): e is AuthEffect => AUTH_EFFECT_KINDS.has(e.kind));
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
