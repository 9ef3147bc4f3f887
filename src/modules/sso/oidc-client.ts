// The OpenID Connect relying party, through openid-client 6 (no hand-written JWT checks):
// discovery, the authorization URL (code flow, PKCE S256, state, nonce) and the code exchange.
// openid-client checks the ID token's issuer, audience, expiry and nonce; enableNonRepudiationChecks
// makes it verify the signature against the provider's JWKS too (without it, a token from the token
// endpoint is trusted on TLS alone). Its JWKS cache re-fetches on an unknown key id (at most once a
// minute) and every five minutes, which is how rotated provider keys are picked up.
import * as oidc from "openid-client";
import type { OidcProviderSettings } from "../../config/sso";
import type { Attempt } from "./attempt";

const TIMEOUT_SECONDS = 10;
/** A failed discovery is retried on the next sign-in, but not more often than this. */
const RETRY_DISCOVERY_MS = 5_000;

export type ProviderClaims = Record<string, unknown> & { sub: string };

/** Why talking to the provider failed: it is unreachable, or it answered something we refuse. */
export class ProviderFailure extends Error {
  constructor(
    readonly kind: "unreachable" | "rejected",
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function isLoopbackHttp(issuer: string): boolean {
  return new URL(issuer).protocol === "http:";
}

function classify(error: unknown): ProviderFailure {
  if (error instanceof oidc.ResponseBodyError) return new ProviderFailure("rejected", error.error, `the provider answered ${error.error}`);
  if (error instanceof oidc.AuthorizationResponseError) return new ProviderFailure("rejected", error.error, `the provider answered ${error.error}`);
  if (error instanceof oidc.ClientError) {
    const unreachable = error.code === "OAUTH_RESPONSE_IS_NOT_CONFORM" || error.code === "OAUTH_RESPONSE_IS_NOT_JSON";
    return new ProviderFailure(unreachable ? "unreachable" : "rejected", error.code ?? "client_error", error.message);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderFailure("unreachable", "network", message);
}

export class OidcClient {
  private config: Promise<oidc.Configuration> | null = null;
  private failedAt = 0;

  constructor(readonly settings: OidcProviderSettings) {}

  /** Discovery once, then cached; a failure is not cached (the provider may be back soon). */
  private configuration(): Promise<oidc.Configuration> {
    if (this.config) return this.config;
    if (Date.now() - this.failedAt < RETRY_DISCOVERY_MS)
      return Promise.reject(new ProviderFailure("unreachable", "discovery", "discovery failed a moment ago"));
    const { issuer, clientId, clientSecret } = this.settings;
    const execute = isLoopbackHttp(issuer) ? [oidc.allowInsecureRequests] : [];
    const pending = oidc.discovery(new URL(issuer), clientId, clientSecret, undefined, { execute, timeout: TIMEOUT_SECONDS }).then((config) => {
      oidc.enableNonRepudiationChecks(config);
      config.timeout = TIMEOUT_SECONDS;
      return config;
    });
    this.config = pending;
    pending.catch(() => {
      this.config = null;
      this.failedAt = Date.now();
    });
    return pending;
  }

  async authorizationUrl(attempt: Attempt): Promise<string> {
    let config: oidc.Configuration;
    try {
      config = await this.configuration();
    } catch (error) {
      throw error instanceof ProviderFailure ? error : classify(error);
    }
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      state: attempt.state,
      nonce: attempt.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(attempt.verifier),
      code_challenge_method: "S256",
    });
    return url.href;
  }

  /**
   * Exchanges the code and returns the verified ID token's claims, completed from userinfo when the
   * ID token lacks the email or the groups claim (many providers put them only there).
   * `search`: the callback's query string, as the provider sent it.
   */
  async exchange(search: string, attempt: Attempt): Promise<ProviderClaims> {
    try {
      const config = await this.configuration();
      const callback = new URL(`${this.settings.redirectUri}${search}`);
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: attempt.verifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      const claims = { ...tokens.claims()! } as ProviderClaims;
      const wantsGroups = this.settings.groupRoles !== null && !(this.settings.groupsClaim in claims);
      if ((!claims.email || wantsGroups) && config.serverMetadata().userinfo_endpoint) {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        for (const [key, value] of Object.entries(info)) if (!(key in claims)) claims[key] = value;
      }
      return claims;
    } catch (error) {
      throw error instanceof ProviderFailure ? error : classify(error);
    }
  }
}

/** One client per configured provider, for one app. */
export function createOidcClients(providers: OidcProviderSettings[]): Map<string, OidcClient> {
  return new Map(providers.map((p) => [p.id, new OidcClient(p)]));
}
