// The one auth guard. Routes declare what they need, and only those routes pay for resolving who
// is asking (session cookie, session bearer or PAT — see src/auth/principal.ts):
//   { auth: { role: "user" | Role, scope } }  signed in, at least that role, and a personal access
//                             token must hold that scope (src/auth/scopes.ts); exposes `me`
//   { auth: "user" | Role }   the same for a route that declares no scope: a token needs `all`
//                             (test/http/route-scopes.test.ts fails for such a route unless sessionOnly)
//   { sessionOnly: true }     with `auth`: refuse PATs (token management is for people with a session)
//   { sessionOnly: "what" }   the same, the refusal naming what a token cannot do ("download backups")
//   { principal: true }       whoever is asking, or null (sign-in pages, the start page)
//   { clientIp: true }        the client's address as `ip` (whatever audits or rate-limits)
// The principal is resolved in `transform` (after parsing, before schema validation), so an anonymous
// or cross-site request learns nothing about what a valid body looks like: 401/403, not 422. For
// `auth` that step is synchronous; the first signature check of a session token happens around the
// route (credential-check.ts).
// Failing requests throw; the one onError decides between /login redirect, 401/403 JSON and pages.
import { Elysia } from "elysia";
import type { AppContext } from "../context";
import { resolvePrincipal, type Principal } from "../auth/principal";
import { roleAtLeast } from "../auth/roles";
import { assertScope } from "../auth/scopes";
import { TOKEN_EXPIRES_HEADER, TOKEN_EXPIRY_WARNING_DAYS, type Role, type TokenScope } from "../shared/contract";
import { clientIp } from "./client-ip";
import { assertCsrfToken } from "./csrf";
import { CredentialCheckPending } from "./credential-check";
import { Forbidden, RoleTooLow, Unauthenticated } from "../shared/errors";
import { sessionRestriction } from "../auth/session-restriction";
import { requestUrl } from "./request-url";

export type { Principal };

const WARN_MS = TOKEN_EXPIRY_WARNING_DAYS * 86_400_000;

/** What a route needs: a role, and the token scope next to it. */
export type AuthNeed = Role | "user" | { role: Role | "user"; scope: TokenScope };

/** What the transform step leaves on the request's context for `resolve` (and the error handler). */
type Resolved = { principal?: Principal | null };

// Hooks read only the context's properties they need and never hand the whole context to a
// function: Elysia would then parse cookies, query and headers on every route, just in case.
// The client's address is looked up only where it is used (`clientIp`, `principal`, and "last seen"
// once a second): the look-up costs more than the rest of an authenticated read.
function identify(ctx: AppContext, request: Request): Principal | null | Promise<Principal | null> {
  return resolvePrincipal(ctx, request, () => clientIp(request, ctx.listener, ctx.config));
}

export function authGuard(ctx: AppContext) {
  return new Elysia({ name: "auth-guard" }).macro({
    auth: (need: AuthNeed) => {
      const role = typeof need === "string" ? need : need.role;
      const scope: TokenScope = typeof need === "string" ? "all" : need.scope;
      return {
        // Synchronous, so a route whose other steps are too answers without a promise: a session
        // token still to be checked is left to the front door (credential-check.ts).
        transform(c: { request: Request; body: unknown; set: { headers: Record<string, string | number> } }) {
          const principal = identify(ctx, c.request);
          if (principal instanceof Promise) throw new CredentialCheckPending(principal);
          (c as Resolved).principal = principal;
          const me = requirePrincipal(principal, role);
          if (me.via === "session") assertSessionUnrestricted(ctx, me, c.request);
          if (me.scopes !== null) {
            assertScope(me.scopes, scope);
            if (me.expiresAt && me.expiresAt.getTime() - ctx.clock.now().getTime() <= WARN_MS) c.set.headers[TOKEN_EXPIRES_HEADER] = me.expiresAt.toISOString();
          }
          if (me.fromCookie && me.sessionId) assertCsrfToken(c.request, c.body, me.sessionId, ctx.config.jwtSecret);
        },
        resolve: (c: object) => ({ me: (c as Resolved).principal! }),
      };
    },
    sessionOnly: (enabled: boolean | string) => ({
      // Elysia runs macro hooks in the order a route writes its options: when `sessionOnly` comes
      // before `auth`, the principal is not resolved yet, so resolve it here rather than let a PAT by.
      async transform(c) {
        if (!enabled) return;
        if ((c as Resolved).principal === undefined) (c as Resolved).principal = await identify(ctx, c.request);
        const via = (c as Resolved).principal?.via;
        if (via === "pat" || via === "oauth") {
          if (enabled === true) throw new Forbidden("This needs a signed-in session; a personal access token cannot manage tokens");
          throw new Forbidden(`This needs a signed-in session (the browser or da login); a personal access token cannot ${enabled}`);
        }
      },
    }),
    principal: (enabled: boolean) => ({
      async transform(c) {
        if (enabled) (c as Resolved).principal = await identify(ctx, c.request);
      },
      resolve: (c) => ({ principal: (c as unknown as Resolved).principal ?? null }),
    }),
    clientIp: (enabled: boolean) => ({
      resolve: ({ request }) => ({ ip: enabled ? clientIp(request, ctx.listener, ctx.config) : null }),
    }),
  });
}

/**
 * A session whose owner must first change an admin-set password or enrol a second factor may use only
 * who am I (so clients can tell) and the task itself (src/auth/session-restriction.ts). Sign-out needs
 * no `auth` (it takes `principal`), so it is never refused. Personal access tokens are not held back:
 * only their owner can create them, with a session, and a password set by an admin keeps them
 * (revocation.ts). The path is parsed only for a restricted session.
 */
function assertSessionUnrestricted(ctx: AppContext, me: Principal, request: Request): void {
  const restriction = sessionRestriction(ctx.authState, ctx.config.mfaRequired, me.user);
  if (restriction && !restriction.allows(requestUrl(request).pathname)) throw restriction.error();
}

function requirePrincipal(principal: Principal | null, needed: Role | "user"): Principal {
  if (!principal) throw new Unauthenticated();
  // OAuth access tokens are issued for one resource, the MCP endpoint (RFC 8707; src/modules/mcp
  // checks their scopes per tool): no other route takes them, whatever scope it declares.
  if (principal.via === "oauth") throw new Forbidden("An OAuth access token is accepted only at /mcp");
  if (needed !== "user" && !roleAtLeast(principal.user.role, needed)) throw new RoleTooLow(needed);
  return principal;
}
