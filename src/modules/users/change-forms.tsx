// A person's changes from their page: role, deactivation and reset links only after their
// confirmation page (confirm-pages.tsx) posts `confirm=yes`; activation and a password an admin
// sets act at once. Each answers POST → 303 → the person's page with a flash (a refusal too).
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { roleAtLeast } from "../../auth/roles";
import { authGuard } from "../../http/auth-guard";
import { confirmPath, unconfirmed } from "../../http/confirm-form";
import { formAction } from "../../http/page";
import type { Flash } from "../../http/page";
import { publicBaseUrl } from "../../http/public-url";
import type { RevealedResetLink } from "../../../views/users/reset-link-reveal";
import { issueResetLink } from "../password-reset/service";
import { adminUserForm, userIdParams } from "./model";
import { adminCall, getUser, resetUserSecondFactor, setUserPassword, updateUser, type AdminCall } from "./service";
import { LIST_PATH } from "./back-to";
import { revealOwner } from "./reveal";

const WRITE = () => ({ auth: { role: "admin" as const, scope: "users:write" as const }, clientIp: true as const, params: userIdParams, body: adminUserForm });
const personPath = (id: string) => `${LIST_PATH}/${encodeURIComponent(id)}`;

/** Where a change lands: the person's page, or the list when there is no such person (a 404 page helps nobody). */
function landingOf(ctx: AppContext, id: string): string {
  return ctx.authState.user(id) ? personPath(id) : LIST_PATH;
}

/** Issues a reset link and keeps it for one showing; the flash says whether it was emailed. */
export async function issueLinkFor(ctx: AppContext, me: Principal, call: AdminCall, userId: string, request: Request): Promise<Flash> {
  const link = await issueResetLink(ctx, call, userId, publicBaseUrl(request, ctx.config));
  const user = await getUser(ctx, userId);
  const revealed: RevealedResetLink = { url: link.reset_url, emailedTo: link.email_sent ? user.email : null };
  const reveal = ctx.reveals.put(revealOwner(me), user.id, JSON.stringify(revealed));
  if (link.email_sent) return { kind: "ok", message: `Reset link for ${user.email} created and emailed to them.`, reveal };
  if (ctx.mailer) return { kind: "error", message: `Reset link for ${user.email} created, but emailing it failed: pass it on yourself.`, reveal };
  return { kind: "ok", message: `Reset link for ${user.email} created.`, reveal };
}

/** Adding people and changing their role or status, each a form that redirects back with a flash. */
export function userChangeForms(ctx: AppContext) {
  return new Elysia({ name: "users-change-forms" })
    .use(authGuard(ctx))
    .post(
      `${LIST_PATH}/:id/role`,
      async ({ me, ip, body, params, set, cookie }) => {
        const ask = unconfirmed(body, set, confirmPath(`${personPath(params.id)}/role`, { role: body.role }));
        if (ask !== null) return ask;
        let demotedSelf = false;
        const answer = await formAction(ctx, { set, cookie }, landingOf(ctx, params.id), async () => {
          const user = await updateUser(ctx, adminCall(me, ip), params.id, { role: body.role ?? "" });
          demotedSelf = user.id === me.user.id && !roleAtLeast(user.role, "admin");
          return { kind: "ok", message: `${user.email} is now ${user.role}.` };
        });
        // Demoting yourself: your person page would answer 403, so land where you still may go.
        if (demotedSelf) set.headers.location = "/dashboard";
        return answer;
      },
      WRITE(),
    )
    .post(
      `${LIST_PATH}/:id/activate`,
      ({ me, ip, params, set, cookie }) =>
        formAction(ctx, { set, cookie }, landingOf(ctx, params.id), async () => {
          const user = await updateUser(ctx, adminCall(me, ip), params.id, { active: true });
          return { kind: "ok", message: `Activated ${user.email}.` };
        }),
      WRITE(),
    )
    .post(
      `${LIST_PATH}/:id/deactivate`,
      ({ me, ip, body, params, set, cookie }) =>
        unconfirmed(body, set, confirmPath(`${personPath(params.id)}/deactivate`)) ??
        formAction(ctx, { set, cookie }, landingOf(ctx, params.id), async () => {
          const user = await updateUser(ctx, adminCall(me, ip), params.id, { active: false });
          return { kind: "ok", message: `Deactivated ${user.email}: their sessions and tokens stopped working.` };
        }),
      WRITE(),
    );
}

/** Reset links (revealed once, after a confirmation) and passwords set by an admin. */
export function userPasswordForms(ctx: AppContext) {
  return new Elysia({ name: "users-password-forms" })
    .use(authGuard(ctx))
    .post(
      `${LIST_PATH}/:id/reset-link`,
      ({ me, ip, body, params, set, cookie, request }) =>
        unconfirmed(body, set, confirmPath(`${personPath(params.id)}/reset-link`)) ??
        formAction(ctx, { set, cookie }, landingOf(ctx, params.id), () => issueLinkFor(ctx, me, adminCall(me, ip), params.id, request)),
      WRITE(),
    )
    .post(
      `${LIST_PATH}/:id/second-factor/reset`,
      ({ me, ip, body, params, set, cookie }) =>
        unconfirmed(body, set, confirmPath(`${personPath(params.id)}/second-factor/reset`)) ??
        formAction(ctx, { set, cookie }, landingOf(ctx, params.id), async () => {
          await resetUserSecondFactor(ctx, adminCall(me, ip), params.id);
          const user = await getUser(ctx, params.id);
          return { kind: "ok", message: `Second factor of ${user.email} reset; their sessions were ended.` };
        }),
      WRITE(),
    )
    .post(
      `${LIST_PATH}/:id/password`,
      ({ me, ip, body, params, set, cookie }) =>
        formAction(ctx, { set, cookie }, landingOf(ctx, params.id), async () => {
          await setUserPassword(ctx, adminCall(me, ip), params.id, body.password ?? "");
          const user = await getUser(ctx, params.id);
          return { kind: "ok", message: `Password set for ${user.email}; their sessions were ended.` };
        }),
      WRITE(),
    );
}
