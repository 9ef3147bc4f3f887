// /profile/two-factor: a person's second factors (authenticator app, recovery codes, passkeys).
// Forms post here and are answered POST → 303 → GET with a flash; new recovery codes travel through
// the one-time reveal (the flash carries only its id). All of it needs a signed-in session. A session
// MFA_REQUIRED holds to enrolment may reach these paths and nothing else (src/auth/session-restriction.ts).
import { Elysia } from "elysia";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { authGuard } from "../../http/auth-guard";
import { formAction, pageContext, redirectWithFlash, type PageContext } from "../../http/page";
import { HttpError, SECOND_FACTOR_PATH } from "../../shared/errors";
import { TotpEnrolPage, TwoFactorPage } from "../../../views/mfa/two-factor-page";
import { confirmTotpEnrolment, factorStatus, pendingEnrolment, regenerateRecoveryCodes, removeTotp, startTotpEnrolment } from "./service";

const session = () => ({ auth: "user" as const, sessionOnly: true });
const codeForm = z.object({ _csrf: z.string().optional(), code: z.string().max(100).optional() });
const csrfOnly = z.object({ _csrf: z.string().optional() });

async function twoFactorPage(ctx: AppContext, me: Principal, page: PageContext) {
  const revealed = me.sessionId ? ctx.reveals.take(me.sessionId, page.flash?.reveal) : null;
  const status = await factorStatus(ctx, me.user.id);
  const required = ctx.authState.mustEnrolSecondFactor(me.user.id);
  return <TwoFactorPage page={page} {...status} revealedCodes={revealed ? revealed.split("\n") : null} required={required} />;
}

async function enrolPage(ctx: AppContext, me: Principal, page: PageContext, error?: string) {
  const pending = await pendingEnrolment(ctx, me);
  if (!pending) return null;
  return <TotpEnrolPage page={page} secret={pending.secret} qrSvg={pending.svg} error={error} />;
}

/** Recovery codes are shown once: kept in memory for this session's next page view only. */
const revealCodes = (ctx: AppContext, me: Principal, codes: string[]) => ctx.reveals.put(me.sessionId!, me.user.id, codes.join("\n"));

function totpEnrolment(ctx: AppContext) {
  return new Elysia({ name: "mfa-totp-enrolment" })
    .use(authGuard(ctx))
    .post(
      `${SECOND_FACTOR_PATH}/totp`,
      ({ me, set, cookie }) =>
        formAction(ctx, { set, cookie }, `${SECOND_FACTOR_PATH}/totp`, async () => {
          await startTotpEnrolment(ctx, me);
          return "Scan the code, then enter the code the app shows.";
        }),
      { ...session(), body: csrfOnly },
    )
    .get(
      `${SECOND_FACTOR_PATH}/totp`,
      async ({ me, cookie, set }) =>
        (await enrolPage(ctx, me, pageContext(ctx, me, cookie))) ?? redirectWithFlash(ctx, set, cookie, SECOND_FACTOR_PATH, NOTHING_PENDING),
      session(),
    )
    .post(
      `${SECOND_FACTOR_PATH}/totp/confirm`,
      async ({ me, body, ip, set, cookie }) => {
        try {
          const codes = await confirmTotpEnrolment(ctx, me, body.code ?? "", ip);
          const flash = { kind: "ok" as const, message: "Authenticator app set up.", reveal: revealCodes(ctx, me, codes) };
          return redirectWithFlash(ctx, set, cookie, SECOND_FACTOR_PATH, flash);
        } catch (error) {
          if (!(error instanceof HttpError) || ![400, 409, 429].includes(error.status)) throw error;
          set.status = error.status;
          Object.assign(set.headers, error.headers);
          return (
            (await enrolPage(ctx, me, pageContext(ctx, me, cookie), error.message)) ?? redirectWithFlash(ctx, set, cookie, SECOND_FACTOR_PATH, NOTHING_PENDING)
          );
        }
      },
      { ...session(), clientIp: true, body: codeForm },
    );
}

const NOTHING_PENDING = { kind: "error" as const, message: "No set-up is in progress: start it again." };

export function mfaProfilePages(ctx: AppContext) {
  return new Elysia({ name: "mfa-profile" })
    .use(authGuard(ctx))
    .use(totpEnrolment(ctx))
    .get(SECOND_FACTOR_PATH, ({ me, cookie }) => twoFactorPage(ctx, me, pageContext(ctx, me, cookie)), session())
    .post(
      `${SECOND_FACTOR_PATH}/totp/remove`,
      ({ me, body, ip, set, cookie }) =>
        formAction(ctx, { set, cookie }, `${SECOND_FACTOR_PATH}#totp`, async () => {
          await removeTotp(ctx, me, body.code ?? "", ip);
          return "Authenticator app removed.";
        }),
      { ...session(), clientIp: true, body: codeForm },
    )
    .post(
      `${SECOND_FACTOR_PATH}/recovery-codes`,
      ({ me, body, ip, set, cookie }) =>
        formAction(ctx, { set, cookie }, SECOND_FACTOR_PATH, async () => {
          const codes = await regenerateRecoveryCodes(ctx, me, body.code ?? "", ip);
          return { kind: "ok", message: "New recovery codes made; the old ones no longer work.", reveal: revealCodes(ctx, me, codes) };
        }),
      { ...session(), clientIp: true, body: codeForm },
    );
}
