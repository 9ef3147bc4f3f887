// The one auth guard. It resolves the principal once per request (session cookie, session bearer or
// PAT — see src/auth/principal.ts) and offers route options:
//   { auth: "user" | Role }   signed in (and at least that role); exposes `me`
//   { sessionOnly: true }     refuse PATs (token management is for people with a session)
// Failing requests throw; the one onError decides between /login redirect, 401/403 JSON and pages.
import { Elysia } from "elysia";
import type { AppContext } from "../context";
import { resolvePrincipal, type Principal } from "../auth/principal";
import { roleAtLeast } from "../auth/roles";
import type { Role } from "../shared/contract";
import { clientIp } from "./client-ip";
import { assertCsrfToken } from "./csrf";
import { Forbidden, RoleTooLow, Unauthenticated } from "./errors";

export type { Principal };

export function authGuard(ctx: AppContext) {
  return new Elysia({ name: "auth-guard" })
    .derive({ as: "global" }, async ({ request, server }) => {
      const ip = clientIp(request, server, ctx.config);
      return { ip, principal: await resolvePrincipal(ctx, request, ip) };
    })
    .macro({
      auth: (needed: Role | "user") => ({
        // Checked in transform (after parsing, before schema validation) so an anonymous or
        // cross-site request learns nothing about what a valid body looks like: 401/403, not 422.
        transform({ principal, request, body }) {
          const me = requirePrincipal(principal, needed);
          if (me.fromCookie && me.sessionId) assertCsrfToken(request, body, me.sessionId, ctx.config.jwtSecret);
        },
        resolve: ({ principal }) => ({ me: requirePrincipal(principal, needed) }),
      }),
      sessionOnly: (enabled: boolean) => ({
        transform({ principal }) {
          if (enabled && principal?.via === "pat") {
            throw new Forbidden("This needs a signed-in session; a personal access token cannot manage tokens");
          }
        },
      }),
    });
}

function requirePrincipal(principal: Principal | null, needed: Role | "user"): Principal {
  if (!principal) throw new Unauthenticated();
  if (needed !== "user" && !roleAtLeast(principal.user.role, needed)) throw new RoleTooLow(needed);
  return principal;
}
