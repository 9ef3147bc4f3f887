// What Agnes reads from a provider's (verified) claims: the email, whether the provider vouches for
// it, the groups, and the role those groups give.
import type { Role } from "../../shared/contract";
import { checkEmail, type EmailRefusal } from "../../auth/email";
import type { OidcProviderSettings } from "../../config/sso";
import type { ProviderClaims } from "./oidc-client";

/**
 * The email in the stored form (the one email rule), never folded. `email` null: there is none
 * (`problem` null), or the rule refuses it (malformed, or made to look like another address).
 */
export function claimedEmail(claims: ProviderClaims): { email: string; problem: null } | { email: null; problem: EmailRefusal | null } {
  if (typeof claims.email !== "string") return { email: null, problem: null };
  const check = checkEmail(claims.email);
  return check.ok ? { email: check.email, problem: null } : { email: null, problem: { kind: check.kind, detail: check.detail } };
}

/**
 * True only when the provider says the address is verified. `email_verified` is the standard claim
 * (some providers send it as the string "true"). Entra ID sends no `email_verified`; its optional
 * `xms_edov` claim ("email domain owner verified") stands in for it, and only when
 * `email_verified` is absent.
 */
export function emailVerified(claims: ProviderClaims): boolean {
  const verified = claims.email_verified;
  if (verified !== undefined) return verified === true || verified === "true";
  return claims.xms_edov === true || claims.xms_edov === "true" || claims.xms_edov === 1;
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1);
}

function groupsOf(claims: ProviderClaims, claim: string): string[] {
  const value = claims[claim];
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === "string") : [];
}

/**
 * The role the provider's groups give (highest wins), null when the person is in none of the mapped
 * groups, undefined when this provider does not manage roles.
 */
export function roleFromGroups(provider: OidcProviderSettings, claims: ProviderClaims): Role | null | undefined {
  const mapping = provider.groupRoles;
  if (!mapping) return undefined;
  const groups = new Set(groupsOf(claims, provider.groupsClaim));
  const order: [Role, string[]][] = [
    ["admin", mapping.admin],
    ["analyst", mapping.analyst],
    ["viewer", mapping.viewer],
  ];
  for (const [role, names] of order) if (names.some((name) => groups.has(name))) return role;
  return null;
}

export function displayName(claims: ProviderClaims): string {
  const name = typeof claims.name === "string" ? claims.name : "";
  return name
    .replace(/[\p{Cc}\p{Cf}]/gu, "")
    .trim()
    .slice(0, 200);
}
