// The one question every scoped check asks: may this principal do what `scope` covers? A session
// (scopes null) may do everything its role allows; a token only what it was given, `all` meaning
// every scope. The role still applies on top (a scope never raises what a person may do).
import type { Scope } from "../shared/scopes";

export function hasScope(principal: { scopes: readonly Scope[] | null }, scope: Scope): boolean {
  return principal.scopes === null || principal.scopes.includes("all") || principal.scopes.includes(scope);
}
