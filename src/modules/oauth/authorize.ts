// Checks an authorization request (GET /oauth/authorize, and again when the consent form is posted,
// since hidden fields come back from the browser). Every error is shown to the person on a page and
// never redirected: not for another redirect URI (RFC 6749 §4.1.2.1), and not for a registered one
// either, because open registration lets anyone register their own site, and an invalid request
// answered with an immediate redirect would make /oauth/authorize an open redirector for signed-in
// people (RFC 9700 §4.11.2). Only the person's own Deny, on the consent page that names the
// redirect host, goes back to the client (pages.tsx).
import { BadRequest } from "../../shared/errors";
import type { OAuthClient } from "./clients";
import { OAUTH_SCOPES, type AuthorizeParams, type OAuthScope } from "./model";
import { matchRedirectUri } from "./redirect-uris";

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export type AuthorizationRequest = {
  client: OAuthClient;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  resource: string;
  scopes: OAuthScope[];
};

/** The client and the redirect URI, or a 400 page (never a redirect). */
function checkClientAndRedirect(client: OAuthClient | null, params: AuthorizeParams): string {
  if (!client) throw new BadRequest("This app is not registered with Agnes (unknown client_id). Ask the app to connect again.");
  const redirectUri = params.redirect_uri ? matchRedirectUri(client.redirectUris, params.redirect_uri) : null;
  if (!redirectUri) throw new BadRequest("The app asked to send you to an address it did not register (redirect_uri). Nothing was shared.");
  return redirectUri;
}

export function checkAuthorizationRequest(client: OAuthClient | null, params: AuthorizeParams, resource: string): AuthorizationRequest {
  const redirectUri = checkClientAndRedirect(client, params);
  const fail = (error: string, description: string) =>
    new BadRequest(`The app sent an invalid request (${error}: ${description}). Nothing was shared; the app must fix its request.`);
  if (params.response_type !== "code") throw fail("unsupported_response_type", "response_type must be code");
  if (params.code_challenge_method !== "S256") throw fail("invalid_request", "PKCE with code_challenge_method S256 is required");
  if (!CHALLENGE.test(params.code_challenge ?? "")) throw fail("invalid_request", "code_challenge must be 43 base64url characters (S256)");
  if (params.resource !== undefined && params.resource !== resource) throw fail("invalid_target", `resource must be ${resource}`);
  const asked = params.scope === undefined || params.scope.trim() === "" ? [...OAUTH_SCOPES] : params.scope.trim().split(/ +/);
  const unknown = asked.filter((s) => !(OAUTH_SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw fail("invalid_scope", `unknown scope: ${unknown.join(" ").slice(0, 100)}; this server offers ${OAUTH_SCOPES.join(" ")}`);
  return {
    client: client!,
    redirectUri,
    state: params.state,
    codeChallenge: params.code_challenge!,
    resource,
    scopes: OAUTH_SCOPES.filter((s) => asked.includes(s)),
  };
}

/** Where the browser goes with the answer: the redirect URI plus `code` or `error`, `state` and `iss`. */
export function redirectWith(redirectUri: string, fields: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}
