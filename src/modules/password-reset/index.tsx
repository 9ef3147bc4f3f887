// GET/POST /auth/password/reset: the page behind a reset link. Public (the link is the credential);
// the global same-origin check covers the POST, and no cookie authenticates it, so it needs no CSRF
// token. On success: 303 to /login with a flash.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { HttpError, NotFound, TooManyRequests } from "../../shared/errors";
import { pageContext, redirectWithFlash } from "../../http/page";
import { PasswordResetPage, PasswordResetProblemPage } from "../../../views/accounts/password-reset-page";
import { resetForm, resetQuery } from "./model";
import { checkResetLink, redeemResetLink, RESET_PATH, ResetLinkProblem } from "./service";

/** What someone who followed a link sees instead of the form: a problem with the link, or too many tries. */
function isShownAsProblemPage(error: unknown): error is HttpError {
  return error instanceof ResetLinkProblem || error instanceof TooManyRequests;
}

export function passwordResetModule(ctx: AppContext) {
  return new Elysia({ name: "password-reset" })
    .use(authGuard(ctx))
    .onBeforeHandle(() => {
      // PASSWORD_LOGIN=off: a password set through a link could not be used; the page is gone.
      if (!ctx.config.sso.passwordLogin) throw new NotFound("Password sign-in is turned off on this server");
    })
    .get(
      RESET_PATH,
      async ({ query, principal, cookie, set, ip }) => {
        const page = pageContext(ctx, principal, cookie);
        const token = query.token ?? "";
        try {
          const { email } = await checkResetLink(ctx, token, ip);
          return <PasswordResetPage page={page} token={token} email={email} />;
        } catch (error) {
          if (!isShownAsProblemPage(error)) throw error;
          set.status = error.status;
          Object.assign(set.headers, error.headers);
          return <PasswordResetProblemPage page={page} message={error.message} />;
        }
      },
      { query: resetQuery, principal: true, clientIp: true },
    )
    .post(
      RESET_PATH,
      async ({ body, query, principal, cookie, set, ip }) => {
        const page = pageContext(ctx, principal, cookie);
        // The page's form sends the token as a field; a client posting to the link itself has it in the query.
        const token = body.token ?? query.token ?? "";
        try {
          await redeemResetLink(ctx, { token, password: body.password ?? "", passwordConfirm: body.password_confirm ?? "", ip });
          return redirectWithFlash(ctx, set, cookie, "/login", { kind: "ok", message: "Password changed — sign in" });
        } catch (error) {
          if (isShownAsProblemPage(error)) {
            set.status = error.status;
            Object.assign(set.headers, error.headers);
            return <PasswordResetProblemPage page={page} message={error.message} />;
          }
          if (!(error instanceof HttpError) || error.status !== 400) throw error;
          set.status = 400;
          const { email } = await checkResetLink(ctx, token, ip);
          return <PasswordResetPage page={page} token={token} email={email} error={error.message} />;
        }
      },
      { body: resetForm, query: resetQuery, principal: true, clientIp: true },
    );
}

export { forgotPages } from "./forgot-pages";
export { forgotDesk } from "./forgot";
