// The one auth guard. Routes declare what they need, and only those routes pay for resolving who
// is asking (session cookie, session bearer or PAT — see src/auth/principal.ts):
//   { auth: "user" | Role }   signed in (and at least that role); exposes `me` and `ip`
//   { sessionOnly: true }     with `auth`: refuse PATs (token management is for people with a session)
//   { principal: true }       whoever is asking, or null (sign-in pages, the start page); and `ip`
//   { clientIp: true }        just the client's address (public forms that audit or rate-limit)
// The principal is resolved in `transform` (after parsing, before schema validation), so an anonymous
// or cross-site request learns nothing about what a valid body looks like: 401/403, not 422.
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

type ServerLike = Parameters<typeof clientIp>[1];
/** What the transform step leaves on the request's context for `resolve` (and the error handler). */
type Resolved = { principal?: Principal | null; ip?: string | null };

// Hooks read only the context's properties they need and never hand the whole context to a
// function: Elysia would then parse cookies, query and headers on every route, just in case.
async function identify(ctx: AppContext, request: Request, server: ServerLike): Promise<Required<Resolved>> {
  const ip = clientIp(request, server, ctx.config);
  return { ip, principal: await resolvePrincipal(ctx, request, ip) };
}

export function authGuard(ctx: AppContext) {
  return new Elysia({ name: "auth-guard" }).macro({
    auth: (needed: Role | "user") => ({
      async transform(c) {
        const { principal, ip } = await identify(ctx, c.request, c.server);
        (c as Resolved).principal = principal;
        (c as Resolved).ip = ip;
        const me = requirePrincipal(principal, needed);
        if (me.fromCookie && me.sessionId) assertCsrfToken(c.request, c.body, me.sessionId, ctx.config.jwtSecret);
      },
      resolve: (c) => ({ me: (c as unknown as Resolved).principal!, ip: (c as unknown as Resolved).ip ?? null }),
    }),
    sessionOnly: (enabled: boolean) => ({
      // Elysia runs macro hooks in the order a route writes its options: when `sessionOnly` comes
      // before `auth`, the principal is not resolved yet, so resolve it here rather than let a PAT by.
      async transform(c) {
        if (!enabled) return;
        if ((c as Resolved).principal === undefined) {
          const { principal, ip } = await identify(ctx, c.request, c.server);
          (c as Resolved).principal = principal;
          (c as Resolved).ip = ip;
        }
        if ((c as Resolved).principal?.via === "pat") {
          throw new Forbidden("This needs a signed-in session; a personal access token cannot manage tokens");
        }
      },
    }),
    principal: (enabled: boolean) => ({
      async transform(c) {
        if (!enabled) return;
        const { principal, ip } = await identify(ctx, c.request, c.server);
        (c as Resolved).principal = principal;
        (c as Resolved).ip = ip;
      },
      resolve: (c) => ({ principal: (c as unknown as Resolved).principal ?? null, ip: (c as unknown as Resolved).ip ?? null }),
    }),
    clientIp: (enabled: boolean) => ({
      resolve: ({ request, server }) => ({ ip: enabled ? clientIp(request, server, ctx.config) : null }),
    }),
  });
}

function requirePrincipal(principal: Principal | null, needed: Role | "user"): Principal {
  if (!principal) throw new Unauthenticated();
  if (needed !== "user" && !roleAtLeast(principal.user.role, needed)) throw new RoleTooLow(needed);
  return principal;
}
