// /login/second-step: after a correct password (accounts/sign-in-pages.tsx left a signed pending
// cookie), the code from the authenticator app or a recovery code; the browser session is opened only
// here. A passkey can answer the same step (passkey-routes.ts). No pending cookie: back to /login.
import { Elysia } from "elysia";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { AuthUser } from "../../auth/auth-state";
import { authGuard } from "../../http/auth-guard";
import { pageContext } from "../../http/page";
import { setSessionCookie } from "../../http/session-cookie";
import { HttpError } from "../../shared/errors";
import { SecondStepPage } from "../../../views/mfa/second-step-page";
import { openSignInSession } from "../accounts/service";
import { clearPendingLogin, passwordUnchanged, readPendingLogin, SECOND_STEP_PATH, spendPendingLogin, type PendingLogin } from "./pending-login";
import { verifySecondFactor } from "./second-step";
import { listPasskeys } from "./repository";

const codeForm = z.object({ code: z.string().max(100).optional() });
type SetLike = { status?: number | string; headers: Record<string, string | number> };

const toLogin = (set: SetLike) => {
  set.status = 303;
  set.headers.location = "/login";
  return "";
};

/** The pending person, if they may still sign in (not deactivated or deleted, password unchanged meanwhile). */
export async function pendingUser(ctx: AppContext, pending: PendingLogin | null): Promise<AuthUser | null> {
  const user = pending ? ctx.authState.user(pending.userId) : undefined;
  return pending && user?.active && (await passwordUnchanged(ctx, pending)) ? user : null;
}

export function secondStepPages(ctx: AppContext) {
  const page = async (cookie: Parameters<typeof pageContext>[2], user: AuthUser, error?: string) => {
    const passkeys = (await listPasskeys(ctx.db, user.id)).length > 0;
    return <SecondStepPage page={pageContext(ctx, null, cookie)} error={error} passkeys={passkeys} />;
  };
  return new Elysia({ name: "mfa-second-step" })
    .use(authGuard(ctx))
    .get(
      SECOND_STEP_PATH,
      // async, awaiting the page: a handler that returned the promise went out without the HTML content type.
      async ({ cookie, set }) => {
        const user = await pendingUser(ctx, readPendingLogin(ctx, cookie));
        return user ? await page(cookie, user) : toLogin(set);
      },
      { principal: true },
    )
    .post(
      SECOND_STEP_PATH,
      async ({ body, cookie, set, ip, request }) => {
        const pending = readPendingLogin(ctx, cookie);
        const user = await pendingUser(ctx, pending);
        if (!pending || !user) return toLogin(set);
        try {
          await verifySecondFactor(ctx, user, body.code ?? "", ip, "sign-in");
        } catch (error) {
          if (!(error instanceof HttpError) || ![401, 429].includes(error.status)) throw error;
          set.status = error.status;
          Object.assign(set.headers, error.headers);
          return await page(cookie, user, error.message);
        }
        clearPendingLogin(cookie);
        if (!spendPendingLogin(ctx, pending)) return toLogin(set);
        const session = await openSignInSession(ctx, user, { ip, userAgent: request.headers.get("user-agent"), holdToEnrol: true });
        setSessionCookie(cookie, request, ctx.config, session.token, session.expiresAt);
        set.status = 303;
        set.headers.location = pending.next;
        return "";
      },
      { body: codeForm, clientIp: true },
    );
}
