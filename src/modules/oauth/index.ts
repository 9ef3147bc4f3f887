// OAuth 2.1 authorization server routes for MCP and other third-party clients (JSON and form
// APIs; the consent and admin pages are in pages.tsx):
//   GET  /.well-known/oauth-protected-resource[/mcp]   RFC 9728
//   GET  /.well-known/oauth-authorization-server      RFC 8414
//        (and, when PUBLIC_URL has a path P: /.well-known/oauth-authorization-server/P and
//        /.well-known/oauth-protected-resource/P/mcp, where RFC 8414/9728 clients look)
//   POST /oauth/register                               RFC 7591 (OAUTH_REGISTRATION)
//   POST /oauth/token                                  authorization_code + PKCE, refresh_token
//   POST /oauth/revoke                                 RFC 7009
//   GET  /auth/oauth/grants, DELETE /auth/oauth/grants/{id}   a person's connected apps (sessions only)
// Why not oidc-provider: it is a Koa app over Node's req/res with its own token formats and storage
// adapter; our tokens must be prefixed, hashed, in the in-memory auth state, ended by the users
// module's revocation table and audited in the same transaction, which is most of the work anyway.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { FAILURE_WINDOW_MS, FailureLimiter } from "../../http/failure-limiter";
import { BadRequest } from "../../shared/errors";
import { assertMayRegister, registerClient, registrant } from "./clients";
import type { AuthorizationCodes } from "./codes";
import { listConnectedApps, revokeConnectedApp } from "./grants";
import type { ConnectedApp } from "../../shared/agents";
import { authorizationServerMetadata, baseUrl, pathInsertedDocuments, protectedResourceMetadata, resourceOf } from "./metadata";
import { grantIdParams, registrationBody, revokeForm, tokenForm } from "./model";
import { OAuthError } from "./oauth-error";
import { redeemCode, refreshTokens, revokeByToken } from "./token-service";
export { oauthPages } from "./pages";

/** Registrations one address may make per hour when registration is open. */
export const REGISTRATIONS_PER_HOUR = 10;
/**
 * Refresh tokens and revocations naming no live token, per address in FAILURE_WINDOW_MS: each one is
 * a look-up on the database's one queue, and both routes are anonymous (as revoke-by-value's 20).
 */
export const OAUTH_TOKEN_FAILURES = 20;
const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

type Reply = { set: { status?: number | string; headers: Record<string, string | number> } };

/** Answers an OAuthError in the protocol's shape; anything else goes to the one onError. */
async function protocol<T>(reply: Reply, work: () => Promise<T>): Promise<T | ReturnType<OAuthError["body"]>> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    reply.set.status = error.status;
    return error.body();
  }
}

function discovery(ctx: AppContext) {
  const resource = ({ request }: { request: Request }) => protectedResourceMetadata(baseUrl(ctx, request));
  const server = ({ request }: { request: Request }) => authorizationServerMetadata(ctx, baseUrl(ctx, request));
  const app = new Elysia({ name: "oauth-discovery" })
    .get("/.well-known/oauth-protected-resource", resource)
    .get("/.well-known/oauth-protected-resource/mcp", resource)
    .get("/.well-known/oauth-authorization-server", server);
  const inserted = pathInsertedDocuments(ctx.config.publicUrl);
  return inserted ? app.get(inserted.protectedResource, resource).get(inserted.authorizationServer, server) : app;
}

/** Runs a token look-up holding a failure slot of the address, given back when the token was found: a flood costs a counter. */
function tokenLookupLimit(ctx: AppContext) {
  const lookups = new FailureLimiter(ctx.clock, OAUTH_TOKEN_FAILURES, FAILURE_WINDOW_MS);
  return <T>(ip: string | null, lookUp: () => Promise<T>, found: (result: T) => boolean = () => true) =>
    lookups.guard([`oauth-token:${ip ?? "unknown"}`], "unknown OAuth tokens from this address", lookUp, found);
}

export function oauthApi(ctx: AppContext, codes: AuthorizationCodes) {
  const registrations = new FailureLimiter(ctx.clock, REGISTRATIONS_PER_HOUR, 3_600_000);
  const limited = tokenLookupLimit(ctx);
  return new Elysia({ name: "oauth-api" })
    .use(authGuard(ctx))
    .use(discovery(ctx))
    .post(
      "/oauth/register",
      ({ body, principal, ip, set }) =>
        protocol({ set }, async () => {
          const me = registrant(principal);
          const via = assertMayRegister(ctx, me);
          // Claimed and never given back: a success counts against the address's budget too.
          if (via === "open") registrations.claim([`register:${ip ?? "unknown"}`], "client registrations from this address");
          const registered = await registerClient(ctx, body, { me, ip, via });
          set.status = 201;
          Object.assign(set.headers, NO_STORE);
          return registered;
        }),
      { principal: true, clientIp: true, body: registrationBody },
    )
    .post(
      "/oauth/token",
      ({ body, ip, request, set }) =>
        protocol({ set }, async () => {
          Object.assign(set.headers, NO_STORE);
          const caller = { ip, resource: resourceOf(baseUrl(ctx, request)) };
          if (body.grant_type === "authorization_code") return await redeemCode(ctx, codes, body, caller);
          if (body.grant_type === "refresh_token") return await limited(ip, () => refreshTokens(ctx, body, caller));
          throw new OAuthError("unsupported_grant_type", "grant_type must be authorization_code or refresh_token");
        }),
      { clientIp: true, body: tokenForm },
    )
    .post(
      "/oauth/revoke",
      async ({ body, ip, set }) => {
        if (!body.token) throw new BadRequest("token is required");
        await limited(
          ip,
          () => revokeByToken(ctx, body.token!, body.client_id, ip),
          (revoked) => revoked,
        );
        set.status = 200;
        return {};
      },
      { clientIp: true, body: revokeForm },
    )
    .use(connectedAppsApi(ctx));
}

/** A person's own connected apps, for a signed-in session (never a token). */
function connectedAppsApi(ctx: AppContext) {
  return new Elysia({ name: "oauth-grants-api" })
    .use(authGuard(ctx))
    .get("/auth/oauth/grants", ({ me }): Promise<ConnectedApp[]> => listConnectedApps(ctx, me.user.id), { sessionOnly: "manage connected apps", auth: "user" })
    .delete(
      "/auth/oauth/grants/:id",
      async ({ me, params, ip, set }) => {
        await revokeConnectedApp(ctx, me, params.id, ip);
        set.status = 204;
        return "";
      },
      { sessionOnly: "manage connected apps", auth: "user", clientIp: true, params: grantIdParams },
    );
}
