// Discovery documents: RFC 9728 protected resource metadata (what an MCP client reads first, from the
// 401's WWW-Authenticate) and RFC 8414 authorization server metadata. Both are built from the one
// public base URL (PUBLIC_URL, else the request's origin), which is also the issuer.
import type { AppContext } from "../../context";
import { publicBaseUrl } from "../../http/public-url";
import { OAUTH_SCOPES } from "./model";

/** The one resource (RFC 8707) tokens are issued for: this server's MCP endpoint. */
export const resourceOf = (base: string) => `${base}/mcp`;
export const resourceMetadataUrl = (base: string) => `${base}/.well-known/oauth-protected-resource`;

export const baseUrl = (ctx: AppContext, request: Request) => publicBaseUrl(request, ctx.config);

/**
 * Where the documents are also served when PUBLIC_URL has a path (`https://host/agnes`): RFC 8414
 * and RFC 9728 put the well-known part before the issuer's or the resource's path, so a client
 * asks the host's root for `/.well-known/oauth-authorization-server/agnes` and
 * `/.well-known/oauth-protected-resource/agnes/mcp` (the proxy must send those to us unchanged;
 * README, "Behind a path"). Empty without PUBLIC_URL or when it has no path.
 */
export function pathInsertedDocuments(publicUrl: string | null): { authorizationServer: string; protectedResource: string } | null {
  const path = publicUrl ? new URL(publicUrl).pathname.replace(/\/+$/, "") : "";
  if (!path) return null;
  return {
    authorizationServer: `/.well-known/oauth-authorization-server${path}`,
    protectedResource: `/.well-known/oauth-protected-resource${path}/mcp`,
  };
}

export function protectedResourceMetadata(base: string) {
  return {
    resource: resourceOf(base),
    authorization_servers: [base],
    scopes_supported: [...OAUTH_SCOPES],
    bearer_methods_supported: ["header"],
    resource_name: "Agnes",
  };
}

export function authorizationServerMetadata(ctx: AppContext, base: string) {
  return {
    issuer: base,
    authorization_endpoint: `${base}/oauth/authorize`,
    token_endpoint: `${base}/oauth/token`,
    // Only advertised where a client could use it without an admin's session.
    ...(ctx.config.oauth.registration === "open" ? { registration_endpoint: `${base}/oauth/register` } : {}),
    revocation_endpoint: `${base}/oauth/revoke`,
    scopes_supported: [...OAUTH_SCOPES],
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["none"],
    revocation_endpoint_auth_methods_supported: ["none"],
    authorization_response_iss_parameter_supported: true,
  };
}
