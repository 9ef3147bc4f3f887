// GET/POST /forgot (see forgot.ts). Public: no cookie authenticates it and the global same-origin
// check covers the POST, so it needs no CSRF token. A valid request is answered 303 → /forgot?sent=1,
// the same for every address; a malformed address re-renders the form (400), beyond the limits 429.
import { Elysia } from "elysia";
import { z } from "zod";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { pageContext } from "../../http/page";
import { HttpError, NotFound } from "../../shared/errors";
import { ForgotPage } from "../../../views/accounts/forgot-page";
import { FORGOT_PATH, forgotEnabled, type ForgotDesk } from "./forgot";

const forgotForm = z.object({ email: z.string().max(320).optional() });
const forgotQuery = z.object({ sent: z.string().max(5).optional() });

export function forgotPages(ctx: AppContext, desk: ForgotDesk) {
  return new Elysia({ name: "password-forgot" })
    .use(authGuard(ctx))
    .onBeforeHandle(() => {
      if (!forgotEnabled(ctx)) throw new NotFound("There is no self-service password reset on this server: ask an administrator");
    })
    .get(FORGOT_PATH, ({ query, principal, cookie }) => <ForgotPage page={pageContext(ctx, principal, cookie)} asked={query.sent === "1"} />, {
      query: forgotQuery,
      principal: true,
    })
    .post(
      FORGOT_PATH,
      ({ body, principal, cookie, set, ip }) => {
        try {
          desk.ask(body.email ?? "", ip);
        } catch (error) {
          if (!(error instanceof HttpError) || ![400, 429].includes(error.status)) throw error;
          set.status = error.status;
          Object.assign(set.headers, error.headers);
          return <ForgotPage page={pageContext(ctx, principal, cookie)} asked={false} email={body.email} error={error.message} />;
        }
        set.status = 303;
        set.headers.location = `${FORGOT_PATH}?sent=1`;
        return "";
      },
      { body: forgotForm, principal: true, clientIp: true },
    );
}
