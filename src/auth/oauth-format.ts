// OAuth tokens for MCP and other third-party clients: opaque, in the PAT format (prefix, 32 base62
// characters, CRC32 checksum; see pat-format.ts) under their own prefixes, so a leak is recognisable
// and says which kind it is. Only SHA-256(token) is stored. Authorization codes use a third prefix.
import { generatePrefixedSecret, isWellFormedSecret, prefixedSecretLength } from "./pat-format";

export const ACCESS_TOKEN_PREFIX = "agnes_oat_";
export const REFRESH_TOKEN_PREFIX = "agnes_ort_";
export const AUTHORIZATION_CODE_PREFIX = "agnes_oac_";

/** Every OAuth secret's length (the prefixes are equally long). */
export const OAUTH_SECRET_LENGTH = prefixedSecretLength(ACCESS_TOKEN_PREFIX);

export type OAuthSecretKind = "access" | "refresh" | "code";
const PREFIXES: Record<OAuthSecretKind, string> = { access: ACCESS_TOKEN_PREFIX, refresh: REFRESH_TOKEN_PREFIX, code: AUTHORIZATION_CODE_PREFIX };

export function generateOAuthSecret(kind: OAuthSecretKind): string {
  return generatePrefixedSecret(PREFIXES[kind]);
}

export function isOAuthSecret(kind: OAuthSecretKind, value: string): boolean {
  return isWellFormedSecret(PREFIXES[kind], value);
}

export function looksLikeOAuthAccessToken(bearer: string): boolean {
  return bearer.startsWith(ACCESS_TOKEN_PREFIX);
}
