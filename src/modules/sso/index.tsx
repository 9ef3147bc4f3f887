// Single sign-on routes: GET /auth/providers, /auth/oidc/<id>/start and /auth/oidc/<id>/callback.
// Every way a callback can fail (the provider's error, a forged or replayed state, an expired
// attempt, a provider that is down or answers with a bad token, a refusal by the rules) ends on a
// readable page with a way back, audited and logged, and creates nothing.
import { Elysia, type Cookie } from "elysia";
import { randomNonce, randomPKCECodeVerifier, randomState } from "openid-client";
import type { AppContext } from "../../context";
import type { SignInProvider } from "../../shared/contract";
import { authGuard } from "../../http/auth-guard";
import { HttpError, NotFound } from "../../http/errors";
import { pageContext } from "../../http/page";
import { requestUrl } from "../../http/request-url";
import { safeNextPath } from "../../http/safe-next";
import { setSessionCookie } from "../../http/session-cookie";
import { SsoProblemPage } from "../../../views/sso/sso-problem-page";
import { ATTEMPT_COOKIE, ATTEMPT_COOKIE_PATH, ATTEMPT_TTL_MS, sealAttempt, SpentAttempts, type Attempt } from "./attempt";
import { createOidcClients, ProviderFailure, type OidcClient } from "./oidc-client";
import { auditRefusal, signInWithProvider, SsoRefusal } from "./service";
import { claimedEmail } from "./claims";
import { oidcCallbackQuery, oidcParams, oidcStartQuery } from "./model";

type CookieJar = Record<string, Cookie<unknown>>;
type Problem = { status: number; title: string; message: string; reason: string; userId?: string | null; email?: string | null };

/** The ways to sign in, for the login page and `da login`. */
export function signInProviders(ctx: AppContext): SignInProvider[] {
  const oidc = ctx.config.sso.providers.map((p): SignInProvider => ({ id: p.id, type: "oidc", label: p.label }));
  return ctx.config.sso.passwordLogin ? [{ id: "password", type: "password" }, ...oidc] : oidc;
}

function attemptCookie(ctx: AppContext, cookie: CookieJar, value: string, maxAge: number): void {
  cookie[ATTEMPT_COOKIE]!.set({
    value,
    httpOnly: true,
    // Lax: the provider's redirect back is a top-level GET navigation, which Lax cookies go with.
    sameSite: "lax",
    path: ATTEMPT_COOKIE_PATH,
    secure: ctx.config.publicUrl?.startsWith("https://") ?? false,
    maxAge,
  });
}

function providerProblem(label: string, failure: ProviderFailure): Problem {
  if (failure.kind === "unreachable") {
    return { status: 502, title: `${label} is not reachable`, message: `Agnes could not reach ${label} to complete your sign-in. Try again in a moment.`, reason: "provider_unreachable" };
  }
  return { status: 400, title: "Sign-in failed", message: `${label} sent an answer Agnes cannot accept, so you were not signed in. Try again.`, reason: `token_rejected:${failure.code}` };
}

const ATTEMPT_PROBLEMS: Record<string, string> = {
  attempt_missing: "This browser has no sign-in in progress (it may have been completed already, or cookies are blocked). Start again.",
  state_mismatch: "This sign-in answer does not belong to the sign-in this browser started. Start again.",
  attempt_expired: "This sign-in took too long and expired. Start again.",
  attempt_replayed: "This sign-in answer was already used. Start again.",
};

/** The provider's `error` parameter, reduced to what it may be (an error code), for the audit trail. */
function providerError(value: unknown): string {
  return typeof value === "string" ? value.replace(/[^A-Za-z0-9_.-]/g, "").slice(0, 64) || "error" : "error";
}

export function ssoModule(ctx: AppContext) {
  const clients = createOidcClients(ctx.config.sso.providers);
  const spent = new SpentAttempts(ctx.clock);
  const clientFor = (id: string): OidcClient => {
    const client = clients.get(id);
    if (!client) throw new NotFound("There is no such sign-in provider");
    return client;
  };
  // `ip` false: nothing to audit (a provider down at /start refuses nobody, and an anonymous /start
  // must not be able to write to the database).
  const problemPage = async (cookie: CookieJar, set: { status?: number | string }, client: OidcClient, problem: Problem, ip: string | null | false, next: string) => {
    if (ip !== false) await auditRefusal(ctx, { provider: client.settings.id, reason: problem.reason, userId: problem.userId, email: problem.email, ip });
    set.status = problem.status;
    const retry = `/login?next=${encodeURIComponent(next)}`;
    return <SsoProblemPage page={pageContext(ctx, null, cookie)} title={problem.title} message={problem.message} retry={retry} />;
  };

  return new Elysia({ name: "sso" })
    .use(authGuard(ctx))
    .get("/auth/providers", () => signInProviders(ctx))
    .get("/auth/oidc/:id/start", async ({ params, query, cookie, set }) => {
      const client = clientFor(params.id);
      const attempt: Attempt = {
        provider: client.settings.id,
        state: randomState(),
        nonce: randomNonce(),
        verifier: randomPKCECodeVerifier(),
        next: safeNextPath(query.next),
        expiresAt: ctx.clock.now().getTime() + ATTEMPT_TTL_MS,
      };
      let location: string;
      try {
        location = await client.authorizationUrl(attempt);
      } catch (error) {
        if (!(error instanceof ProviderFailure)) throw error;
        ctx.log.warn("sso.provider_failed", { provider: client.settings.id, step: "discovery", code: error.code, error: error.message });
        return problemPage(cookie, set, client, providerProblem(client.settings.label, error), false, attempt.next);
      }
      attemptCookie(ctx, cookie, sealAttempt(attempt, ctx.config.jwtSecret), ATTEMPT_TTL_MS / 1000);
      set.status = 302;
      set.headers.location = location;
      return "";
    }, { params: oidcParams, query: oidcStartQuery })
    .get("/auth/oidc/:id/callback", async ({ params, query, cookie, set, ip, request }) => {
      const client = clientFor(params.id);
      const label = client.settings.label;
      const raw = cookie[ATTEMPT_COOKIE]?.value;
      attemptCookie(ctx, cookie, "", 0);
      let claim;
      try {
        // Each callback that does not end in a provider-vouched identity keeps a failure slot: a
        // flood of bogus callbacks from one address stops at the limit, before any outbound request.
        claim = ctx.failures.claim([`sso:${ip ?? "unknown"}`], "failed single sign-in attempts");
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        set.status = error.status;
        Object.assign(set.headers, error.headers);
        return <SsoProblemPage page={pageContext(ctx, null, cookie)} title="Slow down" message={error.message} retry="/login" />;
      }
      const check = spent.spend(typeof raw === "string" ? raw : undefined, client.settings.id, query.state, ctx.config.jwtSecret);
      if (!check.ok) {
        return problemPage(cookie, set, client, { status: 400, title: "Sign-in could not be completed", message: ATTEMPT_PROBLEMS[check.reason]!, reason: check.reason }, ip, "/dashboard");
      }
      const { attempt } = check;
      if (query.error !== undefined) {
        const code = providerError(query.error);
        const message = code === "access_denied" ? `The sign-in was cancelled or refused at ${label}.` : `${label} could not sign you in (${code}).`;
        return problemPage(cookie, set, client, { status: 403, title: "Not signed in", message, reason: `provider_error:${code}` }, ip, attempt.next);
      }
      let claims;
      try {
        claims = await client.exchange(requestUrl(request).search, attempt);
      } catch (error) {
        if (!(error instanceof ProviderFailure)) throw error;
        ctx.log.warn("sso.provider_failed", { provider: client.settings.id, step: "token", code: error.code, error: error.message });
        return problemPage(cookie, set, client, providerProblem(label, error), ip, attempt.next);
      }
      ctx.failures.release(claim);
      try {
        const { session } = await signInWithProvider(ctx, client.settings, claims, { ip, userAgent: request.headers.get("user-agent") });
        setSessionCookie(cookie, request, ctx.config, session.token, session.expiresAt);
      } catch (error) {
        if (!(error instanceof SsoRefusal)) throw error;
        const problem = { status: 403, title: "Not signed in", message: error.message, reason: error.reason, userId: error.userId, email: claimedEmail(claims) };
        return problemPage(cookie, set, client, problem, ip, attempt.next);
      }
      set.status = 303;
      set.headers.location = attempt.next;
      return "";
    }, { params: oidcParams, query: oidcCallbackQuery, clientIp: true });
}
