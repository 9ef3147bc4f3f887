import type { Token } from "../../shared/contract";

export type TokenStateName = "active" | "revoked" | "expired";

/** Revoked wins over expired: a token revoked before it ran out shows as revoked. */
export function tokenState(token: Pick<Token, "revoked_at" | "expires_at">, now: Date): TokenStateName {
  if (token.revoked_at) return "revoked";
  if (token.expires_at && new Date(token.expires_at) <= now) return "expired";
  return "active";
}
