// GET /metrics in Prometheus text format. Not public: a METRICS_TOKEN bearer (for the scraper) or an
// admin's credential (session or PAT); anyone else gets 401, so nothing here is a hint to strangers.
import { sameSecret } from "../../shared/signing";
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { resolvePrincipal, readCredential } from "../../auth/principal";
import { assertNotHeld } from "../../auth/session-restriction";
import { roleAtLeast } from "../../auth/roles";
import { assertScope } from "../../auth/scopes";
import { clientIp } from "../../http/client-ip";
import { RoleTooLow, Unauthenticated } from "../../shared/errors";

/** Constant-time, and the length of the configured token does not leak either (sameSecret hashes both). */
function isMetricsToken(expected: string | null, given: string | undefined): boolean {
  return expected !== null && given !== undefined && sameSecret(given, expected);
}

export function metricsModule(ctx: AppContext) {
  const expected = ctx.config.metricsToken ?? null;
  return new Elysia({ name: "metrics" }).get("/metrics", async ({ request, set }) => {
    const credential = readCredential(request);
    if (!isMetricsToken(expected, credential?.fromCookie ? undefined : credential?.value)) {
      const principal = await resolvePrincipal(ctx, request, () => clientIp(request, ctx.listener, ctx.config));
      if (!principal) throw new Unauthenticated("Metrics need METRICS_TOKEN or an admin credential");
      // Signed in but not an admin: 403, not a sign-in redirect (which would lead straight back here).
      if (!roleAtLeast(principal.user.role, "admin")) throw new RoleTooLow("admin");
      // The guard's rule for a session held to a task (session-restriction.ts): /metrics is never the task.
      assertNotHeld(ctx.authState, ctx.config.mfaRequired, principal);
      assertScope(principal.scopes, "metrics:read");
    }
    set.headers["content-type"] = ctx.metrics.registry.contentType;
    set.headers["cache-control"] = "no-store";
    return ctx.metrics.text();
  });
}
