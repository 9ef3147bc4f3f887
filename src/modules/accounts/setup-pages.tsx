// First-run setup: while no user exists, /setup creates the first admin with the logged setup code.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { HttpError } from "../../shared/errors";
import { pageContext } from "../../http/page";
import { setSessionCookie } from "../../http/session-cookie";
import { SetupPage } from "../../../views/accounts/setup-page";
import { setupForm } from "./model";
import { assertSetupOpen, createFirstAdmin, setupCodeMatches, checkPassword, openSignInSession } from "./service";

export function setupPages(ctx: AppContext) {
  return new Elysia({ name: "accounts-setup" })
    .use(authGuard(ctx))
    .get("/setup", ({ cookie }) => {
      assertSetupOpen(ctx);
      return <SetupPage page={pageContext(ctx, null, cookie)} />;
    })
    .post(
      "/setup",
      async ({ body, ip, request, cookie, set }) => {
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
          if (!ctx.config.sso.passwordLogin) return redirectToLogin(set);
          // A browser sign-in like /login's: with MFA_REQUIRED the new admin is held to enrolling a factor.
          const meta = { ip, userAgent: request.headers.get("user-agent") };
          const checked = await checkPassword(ctx, { email: user.email, password: body.password, ...meta });
          const session = await openSignInSession(ctx, checked, { ...meta, holdToEnrol: true });
          setSessionCookie(cookie, request, ctx.config, session.token, session.expiresAt);
        } catch (error) {
          if (error instanceof HttpError && error.status === 400) return again(error.message);
          throw error;
        }
        set.status = 303;
        set.headers.location = "/dashboard";
        return "";
      },
      { body: setupForm, clientIp: true },
    );
}

function redirectToLogin(set: { status?: number | string; headers: Record<string, string | number> }): string {
  set.status = 303;
  set.headers.location = "/login";
  return "";
}
