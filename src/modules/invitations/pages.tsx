// The /invite/<token> page (public: the link is the credential; the global same-origin check covers
// its POST and no cookie authenticates it, so it needs no CSRF token, like the reset page), and the
// users page's invitation forms (POST → 303 → /admin/users with a flash; a new link is revealed once).
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { authGuard } from "../../http/auth-guard";
import { formAction, pageContext, redirectWithFlash } from "../../http/page";
import { publicBaseUrl } from "../../http/public-url";
import { setSessionCookie } from "../../http/session-cookie";
import { HttpError, TooManyRequests } from "../../shared/errors";
import type { CreatedInvitation } from "../../shared/contract";
import { InvitePage, InviteProblemPage } from "../../../views/invitations/invite-page";
import { adminCall } from "../users/service";
import { backTo } from "../users/back-to";
import { acceptForm, adminInvitationForm, invitationIdParams, inviteParams } from "./model";
import { acceptWithPassword, checkInvitation, InvitationProblem } from "./acceptance";
import { createInvitation, INVITE_PATH, resendInvitation, revokeInvitation } from "./service";
import { confirmPath, unconfirmed } from "../../http/confirm-form";
import { invitationConfirmPages } from "./confirm-pages";

function isShownAsProblemPage(error: unknown): error is HttpError {
  return error instanceof InvitationProblem || error instanceof TooManyRequests;
}

type SetLike = { status?: number | string; headers: Record<string, string | number> };

function problemPage(set: SetLike, page: ReturnType<typeof pageContext>, error: HttpError) {
  set.status = error.status;
  Object.assign(set.headers, error.headers);
  return <InviteProblemPage page={page} message={error.message} />;
}

export function invitePages(ctx: AppContext) {
  const passwordLogin = ctx.config.sso.passwordLogin;
  const providers = ctx.config.sso.providers.map((p) => ({ id: p.id, label: p.label }));
  return new Elysia({ name: "invite-pages" })
    .use(authGuard(ctx))
    .get(
      `${INVITE_PATH}/:token`,
      async ({ params, principal, cookie, set, ip }) => {
        const page = pageContext(ctx, principal, cookie);
        try {
          const { email, role } = await checkInvitation(ctx, params.token, ip);
          return <InvitePage page={page} token={params.token} email={email} role={role} passwordLogin={passwordLogin} providers={providers} />;
        } catch (error) {
          if (!isShownAsProblemPage(error)) throw error;
          return problemPage(set, page, error);
        }
      },
      { params: inviteParams, principal: true, clientIp: true },
    )
    .post(
      `${INVITE_PATH}/:token`,
      async ({ params, body, principal, cookie, set, ip, request }) => {
        const page = pageContext(ctx, principal, cookie);
        const input = { token: params.token, name: body.name ?? "", password: body.password ?? "", passwordConfirm: body.password_confirm ?? "" };
        try {
          const { session } = await acceptWithPassword(ctx, { ...input, ip, userAgent: request.headers.get("user-agent") });
          setSessionCookie(cookie, request, ctx.config, session.token, session.expiresAt);
          return redirectWithFlash(ctx, set, cookie, "/dashboard", { kind: "ok", message: "Welcome! Your account is ready." });
        } catch (error) {
          if (isShownAsProblemPage(error)) return problemPage(set, page, error);
          if (!(error instanceof HttpError) || error.status !== 400) throw error;
          set.status = 400;
          const { email, role } = await checkInvitation(ctx, params.token, ip);
          return (
            <InvitePage
              page={page}
              token={params.token}
              email={email}
              role={role}
              passwordLogin={passwordLogin}
              providers={providers}
              name={input.name}
              error={error.message}
            />
          );
        }
      },
      { params: inviteParams, body: acceptForm, principal: true, clientIp: true },
    );
}

/** Reveals are bound to the viewer's session (the users page takes them back with its own helper). */
function reveal(ctx: AppContext, me: Principal, created: CreatedInvitation) {
  const value = JSON.stringify({ url: created.invite_url, emailedTo: created.email_sent ? created.email : null, kind: "invitation" });
  return ctx.reveals.put(me.sessionId ?? `pat:${me.tokenId}`, me.user.id, value);
}

function outcome(ctx: AppContext, me: Principal, created: CreatedInvitation, verb: string) {
  const revealId = reveal(ctx, me, created);
  if (created.email_sent) return { kind: "ok" as const, message: `${verb} ${created.email} and emailed them the link.`, reveal: revealId };
  if (ctx.mailer) return { kind: "error" as const, message: `${verb} ${created.email}, but emailing the link failed: pass it on yourself.`, reveal: revealId };
  return { kind: "ok" as const, message: `${verb} ${created.email}.`, reveal: revealId };
}

export function invitationForms(ctx: AppContext) {
  const base = "/admin/users/invitations";
  return new Elysia({ name: "invitation-forms" })
    .use(authGuard(ctx))
    .use(invitationConfirmPages(ctx))
    .post(
      base,
      ({ me, ip, body, set, cookie, request }) =>
        formAction(ctx, { set, cookie }, backTo(body.back), async () => {
          const input = { email: body.email ?? "", role: body.role || undefined };
          return outcome(ctx, me, await createInvitation(ctx, adminCall(me, ip), input, publicBaseUrl(request, ctx.config)), "Invited");
        }),
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, body: adminInvitationForm },
    )
    .post(
      `${base}/:id/resend`,
      ({ me, ip, body, params, set, cookie, request }) =>
        unconfirmed(body, set, confirmPath(`${base}/${encodeURIComponent(params.id)}/resend`)) ??
        formAction(ctx, { set, cookie }, backTo(body.back), async () => {
          const created = await resendInvitation(ctx, adminCall(me, ip), params.id, publicBaseUrl(request, ctx.config));
          return outcome(ctx, me, created, "Sent a new invitation link to");
        }),
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: invitationIdParams, body: adminInvitationForm },
    )
    .post(
      `${base}/:id/revoke`,
      ({ me, ip, body, params, set, cookie }) =>
        unconfirmed(body, set, confirmPath(`${base}/${encodeURIComponent(params.id)}/revoke`)) ??
        formAction(ctx, { set, cookie }, backTo(body.back), async () => {
          const revoked = await revokeInvitation(ctx, adminCall(me, ip), params.id);
          return `Revoked the invitation of ${revoked.email}: its link no longer works.`;
        }),
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: invitationIdParams, body: adminInvitationForm },
    );
}
