// Sign-in (JSON and form), sign-out, who am I, and first-run setup.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import type { LoginResponse, Me, Session } from "../../shared/contract";
import { authGuard } from "../../http/auth-guard";
import { assertCsrfToken } from "../../http/csrf";
import { HttpError } from "../../http/errors";
import { pageContext } from "../../http/page";
import { safeNextPath } from "../../http/safe-next";
import { clearSessionCookie, setSessionCookie } from "../../http/session-cookie";
import { LoginPage } from "../../../views/accounts/login-page";
import { SetupPage } from "../../../views/accounts/setup-page";
import { loginForm, loginQuery, setupForm, tokenRequestBody } from "./model";
import { signInProviders } from "../sso";
import type { ProviderButton } from "../../../views/sso/provider-buttons";
import { assertSetupOpen, createFirstAdmin, setupCodeMatches, signIn, signOut } from "./service";
import { listSessionsOf } from "./sessions";

export function accountsModule(ctx: AppContext) {
  const sso = {
    passwordLogin: ctx.config.sso.passwordLogin,
    providers: signInProviders(ctx).flatMap((p): ProviderButton[] => (p.type === "oidc" ? [{ id: p.id, label: p.label }] : [])),
  };
  return new Elysia({ name: "accounts" })
    .use(authGuard(ctx))
    .post("/auth/token", async ({ body, ip, request }): Promise<LoginResponse> => {
      const { user, session } = await signIn(ctx, { ...body, ip, userAgent: request.headers.get("user-agent") });
      return {
        access_token: session.token,
        token_type: "bearer",
        user_id: user.id,
        email: user.email,
        role: user.role,
        expires_at: session.expiresAt.toISOString(),
      };
    }, { body: tokenRequestBody, clientIp: true })
    .get("/auth/me", ({ me }): Me => ({
      id: me.user.id,
      email: me.user.email,
      name: me.user.name,
      role: me.user.role,
      active: me.user.active,
      auth: me.via,
      token_id: me.tokenId,
      expires_at: me.expiresAt?.toISOString() ?? null,
    }), { auth: "user" })
    .get("/auth/sessions", async ({ me }): Promise<Session[]> => {
      const rows = await listSessionsOf(ctx, me.user.id);
      return rows.map((s) => ({
        id: s.id,
        kind: s.kind,
        name: s.name,
        created_at: s.created_at.toISOString(),
        expires_at: s.expires_at.toISOString(),
        last_seen_at: s.last_seen_at?.toISOString() ?? null,
        ip: s.ip,
        user_agent: s.user_agent,
        current: s.id === me.sessionId,
      }));
    }, { auth: "user" })
    .get("/login", ({ query, principal, cookie, set }) => {
      const next = safeNextPath(query.next);
      if (principal) {
        set.status = 302;
        set.headers.location = next;
        return "";
      }
      return <LoginPage page={pageContext(ctx, null, cookie)} next={next} sso={sso} />;
    }, { query: loginQuery, principal: true })
    .post("/login", async ({ body, query, ip, request, cookie, set }) => {
      const next = safeNextPath(body.next ?? query.next);
      const page = pageContext(ctx, null, cookie);
      if (sso.passwordLogin && (!body.email || !body.password)) {
        set.status = 400;
        return <LoginPage page={page} next={next} email={body.email} error="Enter your email and password." sso={sso} />;
      }
      try {
        const { session } = await signIn(ctx, { email: body.email ?? "", password: body.password ?? "", ip, userAgent: request.headers.get("user-agent") });
        setSessionCookie(cookie, request, ctx.config, session.token, session.expiresAt);
        set.status = 303;
        set.headers.location = next;
        return "";
      } catch (error) {
        if (!(error instanceof HttpError) || ![401, 403, 429].includes(error.status)) throw error;
        set.status = error.status;
        Object.assign(set.headers, error.headers);
        return <LoginPage page={page} next={next} email={body.email} error={error.message} sso={sso} />;
      }
    }, { body: loginForm, query: loginQuery, clientIp: true })
    .post("/logout", async ({ principal, request, body, ip, cookie, set }) => {
      if (principal?.fromCookie && principal.sessionId) assertCsrfToken(request, body, principal.sessionId, ctx.config.jwtSecret);
      if (principal) await signOut(ctx, principal, ip);
      clearSessionCookie(cookie);
      set.status = 303;
      set.headers.location = "/login";
      return "";
    }, { principal: true })
    .get("/setup", ({ cookie }) => {
      assertSetupOpen(ctx);
      return <SetupPage page={pageContext(ctx, null, cookie)} />;
    })
    .post("/setup", async ({ body, ip, request, cookie, set }) => {
      assertSetupOpen(ctx);
      const page = pageContext(ctx, null, cookie);
      const again = (error: string, status = 400) => {
        set.status = status;
        return <SetupPage page={page} email={body.email} name={body.name} error={error} />;
      };
      try {
        if (!setupCodeMatches(ctx, body.setup_code ?? "", ip)) return again("That setup code is not right. Copy it from the server log.", 403);
      } catch (error) {
        if (!(error instanceof HttpError) || error.status !== 429) throw error;
        Object.assign(set.headers, error.headers);
        return again(error.message, 429);
      }
      if (!body.email || !body.password) return again("Enter an email and a password.");
      if (body.password !== body.password_confirm) return again("The two passwords differ.");
      try {
        const user = await createFirstAdmin(ctx, { email: body.email, name: body.name ?? "", password: body.password, via: "setup", ip });
        // With PASSWORD_LOGIN=off the new admin signs in through a provider (matched by verified email).
        if (!sso.passwordLogin) return redirectToLogin(set);
        const { session } = await signIn(ctx, { email: user.email, password: body.password, ip, userAgent: request.headers.get("user-agent") });
        setSessionCookie(cookie, request, ctx.config, session.token, session.expiresAt);
      } catch (error) {
        if (error instanceof HttpError && error.status === 400) return again(error.message);
        throw error;
      }
      set.status = 303;
      set.headers.location = "/dashboard";
      return "";
    }, { body: setupForm, clientIp: true });
}

function redirectToLogin(set: { status?: number | string; headers: Record<string, string | number> }): string {
  set.status = 303;
  set.headers.location = "/login";
  return "";
}
