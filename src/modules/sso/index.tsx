// Single sign-on routes: GET /auth/providers, /auth/oidc/<id>/start and /auth/oidc/<id>/callback.
// Every way a callback can fail (the provider's error, a forged or replayed state, an expired
// attempt, a provider that is down or answers with a bad token, a refusal by the rules) ends on a
// readable page with a way back, audited and logged, and creates nothing.
import { Elysia, type Cookie } from "elysia";
import { randomNonce, randomPKCECodeVerifier, randomState } from "openid-client";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { HttpError, NotFound } from "../../shared/errors";
import type { Claim } from "../../http/failure-limiter";
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
import { acceptInvitationWithProvider } from "./invitation";
import { InvitationProblem, invitationHandle } from "../invitations/acceptance";

export { identitiesApi, identityForms } from "./identities-routes";
import { signInProviders } from "./sign-in-methods";

type CookieJar = Record<string, Cookie<unknown>>;
type Problem = { status: number; title: string; message: string; reason: string; userId?: string | null; email?: string | null; subject?: string | null };

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
    return {
      status: 502,
      title: `${label} is not reachable`,
      message: `Agnes could not reach ${label} to complete your sign-in. Try again in a moment.`,
      reason: "provider_unreachable",
    };
  }
  return {
    status: 400,
    title: "Sign-in failed",
    message: `${label} sent an answer Agnes cannot accept, so you were not signed in. Try again.`,
    reason: `token_rejected:${failure.code}`,
  };
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

type Reply = { cookie: CookieJar; set: { status?: number | string; headers: Record<string, string | number> } };
type StartRequest = Reply & { params: { id: string }; query: { next?: string; invite?: string } };
type CallbackRequest = Reply & { params: { id: string }; query: { state?: string; error?: string }; ip: string | null; request: Request };

/** The sign-in flow behind the routes: one client per configured provider, single-use attempts. */
class SsoFlow {
  private readonly clients;
  private readonly spent;

  constructor(private readonly ctx: AppContext) {
    this.clients = createOidcClients(ctx.config.sso.providers);
    this.spent = new SpentAttempts(ctx.clock);
  }

  private clientFor(id: string): OidcClient {
    const client = this.clients.get(id);
    if (!client) throw new NotFound("There is no such sign-in provider");
    return client;
  }

  // `ip` false: nothing to audit (a provider down at /start refuses nobody, and an anonymous /start
  // must not be able to write to the database).
  private async problemPage({ cookie, set }: Reply, client: OidcClient, problem: Problem, ip: string | null | false, next: string) {
    const { settings } = client;
    if (ip !== false)
      await auditRefusal(this.ctx, {
        provider: settings.id,
        reason: problem.reason,
        userId: problem.userId,
        email: problem.email,
        subject: problem.subject,
        ip,
      });
    set.status = problem.status;
    const retry = `/login?next=${encodeURIComponent(next)}`;
    const identity = problem.subject ? { provider: settings.id, label: settings.label, subject: problem.subject } : undefined;
    return <SsoProblemPage page={pageContext(this.ctx, null, cookie)} title={problem.title} message={problem.message} retry={retry} identity={identity} />;
  }

  async start(c: StartRequest) {
    const client = this.clientFor(c.params.id);
    // Only the invitation's token hash travels in the attempt cookie; the link itself stays on its page.
    const invite = c.query.invite === undefined ? undefined : invitationHandle(c.query.invite);
    if (invite === null) throw new NotFound("This invitation link is not valid");
    const attempt: Attempt = {
      provider: client.settings.id,
      state: randomState(),
      nonce: randomNonce(),
      verifier: randomPKCECodeVerifier(),
      next: invite ? "/dashboard" : safeNextPath(c.query.next),
      expiresAt: this.ctx.clock.now().getTime() + ATTEMPT_TTL_MS,
      ...(invite ? { invite } : {}),
    };
    let location: string;
    try {
      location = await client.authorizationUrl(attempt);
    } catch (error) {
      if (!(error instanceof ProviderFailure)) throw error;
      this.ctx.log.warn("sso.provider_failed", { provider: client.settings.id, step: "discovery", code: error.code, error: error.message });
      return this.problemPage(c, client, providerProblem(client.settings.label, error), false, attempt.next);
    }
    attemptCookie(this.ctx, c.cookie, sealAttempt(attempt, this.ctx.config.jwtSecret), ATTEMPT_TTL_MS / 1000);
    c.set.status = 302;
    c.set.headers.location = location;
    return "";
  }

  async callback(c: CallbackRequest) {
    const client = this.clientFor(c.params.id);
    const raw = c.cookie[ATTEMPT_COOKIE]?.value;
    attemptCookie(this.ctx, c.cookie, "", 0);
    let claim;
    try {
      // Each callback that does not end in a provider-vouched identity keeps a failure slot: a
      // flood of bogus callbacks from one address stops at the limit, before any outbound request.
      claim = this.ctx.failures.claim([`sso:${c.ip ?? "unknown"}`], "failed single sign-in attempts");
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      c.set.status = error.status;
      Object.assign(c.set.headers, error.headers);
      return <SsoProblemPage page={pageContext(this.ctx, null, c.cookie)} title="Slow down" message={error.message} retry="/login" />;
    }
    const check = this.spent.spend(typeof raw === "string" ? raw : undefined, client.settings.id, c.query.state, this.ctx.config.jwtSecret);
    if (!check.ok) {
      return this.problemPage(
        c,
        client,
        { status: 400, title: "Sign-in could not be completed", message: ATTEMPT_PROBLEMS[check.reason]!, reason: check.reason },
        c.ip,
        "/dashboard",
      );
    }
    if (c.query.error !== undefined) {
      const code = providerError(c.query.error);
      const label = client.settings.label;
      const message = code === "access_denied" ? `The sign-in was cancelled or refused at ${label}.` : `${label} could not sign you in (${code}).`;
      return this.problemPage(c, client, { status: 403, title: "Not signed in", message, reason: `provider_error:${code}` }, c.ip, check.attempt.next);
    }
    return this.finish(c, client, check.attempt, claim);
  }

  /** The provider answered: exchange the code, then sign the person in by the rules. */
  private async finish(c: CallbackRequest, client: OidcClient, attempt: Attempt, claim: Claim) {
    let claims;
    try {
      claims = await client.exchange(requestUrl(c.request).search, attempt);
    } catch (error) {
      if (!(error instanceof ProviderFailure)) throw error;
      this.ctx.log.warn("sso.provider_failed", { provider: client.settings.id, step: "token", code: error.code, error: error.message });
      return this.problemPage(c, client, providerProblem(client.settings.label, error), c.ip, attempt.next);
    }
    this.ctx.failures.release(claim);
    try {
      const meta = { ip: c.ip, userAgent: c.request.headers.get("user-agent") };
      const { session } = attempt.invite
        ? await acceptInvitationWithProvider(this.ctx, client.settings, claims, attempt.invite, meta)
        : await signInWithProvider(this.ctx, client.settings, claims, meta);
      setSessionCookie(c.cookie, c.request, this.ctx.config, session.token, session.expiresAt);
    } catch (error) {
      if (error instanceof InvitationProblem) {
        const problem = { status: error.status, title: "This invitation cannot be used", message: error.message, reason: "invitation_not_valid" };
        return this.problemPage(c, client, problem, c.ip, "/dashboard");
      }
      if (!(error instanceof SsoRefusal)) throw error;
      const problem = {
        status: 403,
        title: "Not signed in",
        message: error.message,
        reason: error.reason,
        userId: error.userId,
        email: claimedEmail(claims).email,
        subject: error.subject,
      };
      return this.problemPage(c, client, problem, c.ip, attempt.next);
    }
    c.set.status = 303;
    c.set.headers.location = attempt.next;
    return "";
  }
}

export function ssoModule(ctx: AppContext) {
  const flow = new SsoFlow(ctx);
  return new Elysia({ name: "sso" })
    .use(authGuard(ctx))
    .get("/auth/providers", () => signInProviders(ctx))
    .get("/auth/oidc/:id/start", (c) => flow.start(c), { params: oidcParams, query: oidcStartQuery })
    .get("/auth/oidc/:id/callback", (c) => flow.callback(c), { params: oidcParams, query: oidcCallbackQuery, clientIp: true });
}
