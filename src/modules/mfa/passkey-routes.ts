// The WebAuthn ceremonies' JSON endpoints, called by /static/passkeys.js (the only pages that need
// JavaScript): register a passkey on /profile/two-factor, remove one (a plain form), and sign in with
// one, alone or as the second step after a password. A failed assertion draws on the failure limiter
// like a wrong password, and is audited when the passkey's owner is known.
import { Elysia } from "elysia";
import { z } from "zod";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { formAction } from "../../http/page";
import { setSessionCookie } from "../../http/session-cookie";
import { HttpError, SECOND_FACTOR_PATH } from "../../shared/errors";
import { assertPasskeyMaySignIn, openSignInSession } from "../accounts/service";
import { authenticationOptions, PASSKEY_REFUSED, registerPasskey, registrationOptions, removePasskey, verifyPasskeySignIn } from "./passkeys";
import { clearPendingLogin, readPendingLogin, spendPendingLogin } from "./pending-login";
import { pendingUser } from "./sign-in-pages";
import { recordFailedCode } from "./second-step";

const session = () => ({ auth: "user" as const, sessionOnly: true });
const credential = z.looseObject({ id: z.string().max(2000), type: z.string().max(50) });
const registerBody = z.object({ ceremony: z.string().max(100), name: z.string().max(200).optional(), response: credential });
const signInBody = z.object({ ceremony: z.string().max(100), response: credential, second_step: z.boolean().optional() });
const optionsBody = z.object({ second_step: z.boolean().optional() });
const csrfOnly = z.object({ _csrf: z.string().optional() });
const idParams = z.object({ id: z.string().max(100) });

function passkeyProfileRoutes(ctx: AppContext) {
  return new Elysia({ name: "mfa-passkeys-profile" })
    .use(authGuard(ctx))
    .post(`${SECOND_FACTOR_PATH}/passkeys/options`, ({ me, request }) => registrationOptions(ctx, me, request), session())
    .post(
      `${SECOND_FACTOR_PATH}/passkeys`,
      async ({ me, body, request, ip, set }) => {
        const response = body.response as unknown as RegistrationResponseJSON;
        await registerPasskey(ctx, me, { ceremony: body.ceremony, name: body.name ?? "", response }, request, ip);
        set.status = 201;
        return { location: `${SECOND_FACTOR_PATH}#passkeys` };
      },
      { ...session(), clientIp: true, body: registerBody },
    )
    .post(
      `${SECOND_FACTOR_PATH}/passkeys/:id/remove`,
      ({ me, params, ip, set, cookie }) =>
        formAction(ctx, { set, cookie }, `${SECOND_FACTOR_PATH}#passkeys`, async () => `Passkey "${await removePasskey(ctx, me, params.id, ip)}" removed.`),
      { ...session(), clientIp: true, params: idParams, body: csrfOnly },
    );
}

function passkeySignInRoutes(ctx: AppContext) {
  return new Elysia({ name: "mfa-passkeys-sign-in" })
    .use(authGuard(ctx))
    .post(
      "/login/passkey/options",
      async ({ body, cookie, request }) => {
        const user = body.second_step ? await pendingUser(ctx, readPendingLogin(ctx, cookie)) : null;
        return authenticationOptions(ctx, request, user?.id ?? null);
      },
      { body: optionsBody },
    )
    .post(
      "/login/passkey",
      async ({ body, cookie, request, ip, set }) => {
        const pending = body.second_step ? readPendingLogin(ctx, cookie) : null;
        const pendingPerson = pending ? await pendingUser(ctx, pending) : null;
        const claim = ctx.failures.claim(ip ? [`ip:${ip}`] : ["passkey:unknown"], "failed sign-in attempts");
        const response = body.response as unknown as AuthenticationResponseJSON;
        let row;
        try {
          row = await verifyPasskeySignIn(ctx, { ceremony: body.ceremony, response }, request, pendingPerson?.id ?? null);
        } catch (error) {
          if (pendingPerson && error instanceof HttpError)
            await recordFailedCode(ctx, pendingPerson, { method: "passkey", reason: "assertion refused", during: "sign-in" }, ip);
          throw error;
        }
        ctx.failures.release(claim);
        const user = ctx.authState.user(row.user_id);
        if (!user) throw new HttpError(401, "Account deactivated");
        // Alone, the rules of a password sign-in (a password account, not managed by a provider's groups);
        // as the second step, the password has just passed them.
        if (!pendingPerson) await assertPasskeyMaySignIn(ctx, user, ip);
        if (pendingPerson && pending && !spendPendingLogin(ctx, pending)) throw new HttpError(401, PASSKEY_REFUSED);
        const opened = await openSignInSession(ctx, user, { ip, userAgent: request.headers.get("user-agent"), holdToEnrol: false, via: "passkey" });
        if (pending) clearPendingLogin(cookie);
        setSessionCookie(cookie, request, ctx.config, opened.token, opened.expiresAt);
        set.headers["cache-control"] = "no-store";
        return { location: pending?.next ?? "/dashboard" };
      },
      { body: signInBody, clientIp: true },
    );
}

export function passkeyRoutes(ctx: AppContext) {
  return new Elysia({ name: "mfa-passkeys" }).use(passkeyProfileRoutes(ctx)).use(passkeySignInRoutes(ctx));
}
