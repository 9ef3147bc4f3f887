// The sign-in form (password, and one button per single sign-on provider) and sign-out.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { assertCsrfToken } from "../../http/csrf";
import { HttpError } from "../../shared/errors";
import { pageContext } from "../../http/page";
import { safeNextPath } from "../../http/safe-next";
import { clearSessionCookie, setSessionCookie } from "../../http/session-cookie";
import { LoginPage } from "../../../views/accounts/login-page";
import type { ProviderButton } from "../../../views/sso/provider-buttons";
import { signInProviders } from "../sso/sign-in-methods";
import { forgotEnabled } from "../password-reset/forgot";
import { loginForm, loginQuery } from "./model";
import { signIn, signOut } from "./service";

export function signInPages(ctx: AppContext) {
  return new Elysia({ name: "accounts-sign-in-out" }).use(signInForm(ctx)).use(signOutRoute(ctx));
}

function signInForm(ctx: AppContext) {
  const sso = {
    passwordLogin: ctx.config.sso.passwordLogin,
    forgot: forgotEnabled(ctx),
    providers: signInProviders(ctx).flatMap((p): ProviderButton[] => (p.type === "oidc" ? [{ id: p.id, label: p.label }] : [])),
  };
  return new Elysia({ name: "accounts-sign-in" })
    .use(authGuard(ctx))
    .get(
      "/login",
      ({ query, principal, cookie, set }) => {
        const next = safeNextPath(query.next);
        if (principal) {
          set.status = 302;
          set.headers.location = next;
          return "";
        }
        return <LoginPage page={pageContext(ctx, null, cookie)} next={next} sso={sso} />;
      },
      { query: loginQuery, principal: true },
    )
    .post(
      "/login",
      async ({ body, query, ip, request, cookie, set }) => {
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
      },
      { body: loginForm, query: loginQuery, clientIp: true },
    );
}

/** POST /logout: ends this session for good (a cookie's needs the CSRF token), then the sign-in page. */
function signOutRoute(ctx: AppContext) {
  return new Elysia({ name: "accounts-sign-out" }).use(authGuard(ctx)).post(
    "/logout",
    async ({ principal, request, body, ip, cookie, set }) => {
      if (principal?.fromCookie && principal.sessionId) assertCsrfToken(request, body, principal.sessionId, ctx.config.jwtSecret);
      if (principal) await signOut(ctx, principal, ip);
      clearSessionCookie(cookie);
      set.status = 303;
      set.headers.location = "/login";
      return "";
    },
    { principal: true, clientIp: true },
  );
}
