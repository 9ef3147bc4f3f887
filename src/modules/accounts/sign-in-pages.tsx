// The sign-in form (password, and one button per single sign-on provider) and sign-out.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import type { AuthUser } from "../../auth/auth-state";
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
import { checkPassword, openSignInSession, signOut } from "./service";
import { hasSecondFactor } from "../mfa/second-step";
import { SECOND_STEP_PATH, startPendingLogin } from "../mfa/pending-login";

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
          const meta = { ip, userAgent: request.headers.get("user-agent") };
          const user = await checkPassword(ctx, { email: body.email ?? "", password: body.password ?? "", ...meta });
          set.status = 303;
          set.headers.location = await afterPassword(ctx, { cookie, request, meta, next }, user);
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

/**
 * Where a correct password leads: an account with a second factor to the code (the session waits for
 * it, src/modules/mfa), any other to `next` with its session.
 */
async function afterPassword(
  ctx: AppContext,
  req: { cookie: Parameters<typeof setSessionCookie>[0]; request: Request; meta: { ip: string | null; userAgent: string | null }; next: string },
  user: AuthUser,
): Promise<string> {
  if (await hasSecondFactor(ctx, user.id)) {
    await startPendingLogin(ctx, req.cookie, req.request, user.id, req.next);
    return SECOND_STEP_PATH;
  }
  const session = await openSignInSession(ctx, user, { ...req.meta, holdToEnrol: true });
  setSessionCookie(req.cookie, req.request, ctx.config, session.token, session.expiresAt);
  return req.next;
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
