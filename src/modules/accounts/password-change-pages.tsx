// GET/POST /password/change: where the auth guard sends a person whose password an admin set.
// Someone who has nothing to change is sent on to their profile (its own password form).
import { Elysia } from "elysia";
import { z } from "zod";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { pageContext, redirectWithFlash } from "../../http/page";
import { HttpError, PASSWORD_CHANGE_PATH } from "../../shared/errors";
import { PasswordChangePage } from "../../../views/accounts/password-change-page";
import { changeRequiredPassword } from "./password-change";

const changeForm = z.object({
  _csrf: z.string().optional(),
  username: z.string().max(320).optional(),
  new_password: z.string().max(1024).optional(),
  new_password_confirm: z.string().max(1024).optional(),
});

const nothingToChange = (set: { status?: number | string; headers: Record<string, string | number> }) => {
  set.status = 303;
  set.headers.location = "/profile#password";
  return "";
};

export function passwordChangePages(ctx: AppContext) {
  return new Elysia({ name: "accounts-password-change" })
    .use(authGuard(ctx))
    .get(
      PASSWORD_CHANGE_PATH,
      ({ me, cookie, set }) => {
        if (!ctx.authState.mustChangePassword(me.user.id)) return nothingToChange(set);
        return <PasswordChangePage page={pageContext(ctx, me, cookie)} email={me.user.email} />;
      },
      { auth: "user", sessionOnly: true },
    )
    .post(
      PASSWORD_CHANGE_PATH,
      async ({ me, body, ip, cookie, set }) => {
        if (!ctx.authState.mustChangePassword(me.user.id)) return nothingToChange(set);
        try {
          await changeRequiredPassword(ctx, me, { next: body.new_password ?? "", confirm: body.new_password_confirm ?? "" }, ip);
        } catch (error) {
          if (!(error instanceof HttpError) || ![400, 429].includes(error.status)) throw error;
          set.status = error.status;
          Object.assign(set.headers, error.headers);
          return <PasswordChangePage page={pageContext(ctx, me, cookie)} email={me.user.email} error={error.message} />;
        }
        return redirectWithFlash(ctx, set, cookie, "/dashboard", { kind: "ok", message: "Password changed: it is yours alone now." });
      },
      { auth: "user", sessionOnly: true, clientIp: true, body: changeForm },
    );
}
