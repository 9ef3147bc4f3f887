// The confirmation pages of a person's risky actions: a role change (refused for the last active
// admin's own role, a warning for your own), deactivation, and a reset link ("replaces the link
// issued at …"). Each renders views/ui/confirm-page.tsx; its POST is the action (pages.tsx).
import { Elysia } from "elysia";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { authGuard } from "../../http/auth-guard";
import { pageContext } from "../../http/page";
import { isRole } from "../../auth/roles";
import { BadRequest } from "../../shared/errors";
import type { User } from "../../shared/contract";
import { ConfirmPage } from "../../../views/ui/confirm-page";
import { liveResetLinkIssuedAt } from "../password-reset/links";
import { countActiveAdmins } from "./directory";
import { getUser, SAFEGUARD } from "./service";
import { userIdParams } from "./model";

type Cookies = Parameters<typeof pageContext>[2];
const WRITE = () => ({ auth: { role: "admin" as const, scope: "users:write" as const }, params: userIdParams });
const labelOf = (user: User) => (user.name ? `${user.name} <${user.email}>` : user.email);
const personPath = (user: User) => `/admin/users/${encodeURIComponent(user.id)}`;
const stamp = (at: Date) => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** Why a role change cannot be asked for, or a warning for your own; null when neither. */
async function roleChangeNotes(ctx: AppContext, me: Principal, user: User, role: string) {
  if (role === user.role) return { refusal: `${user.email} already has the role ${role}.` };
  if (user.id !== me.user.id) return {};
  if (user.role === "admin" && user.active && (await countActiveAdmins(ctx.db)) <= 1) {
    return { refusal: `${SAFEGUARD.demoteLastAdmin}: you are the only one. Make someone else admin first.` };
  }
  return { warning: `This is your own role. As ${role} you lose access to the admin pages as soon as you confirm.` };
}

async function roleConfirm(ctx: AppContext, me: Principal, cookie: Cookies, id: string, role: string) {
  if (!isRole(role)) throw new BadRequest("Unknown role");
  const user = await getUser(ctx, id);
  const notes = await roleChangeNotes(ctx, me, user, role);
  return (
    <ConfirmPage
      page={pageContext(ctx, me, cookie)}
      title="Change role"
      heading={`Change the role of ${labelOf(user)}?`}
      question={`From ${user.role} to ${role}. Their sessions end and they sign in again with the new role; their tokens keep working within what ${role} may do.`}
      {...notes}
      fields={[["role", role]]}
      action={`${personPath(user)}/role`}
      confirmLabel={`Make them ${role}`}
      cancelHref={personPath(user)}
      danger={false}
      section="users"
    />
  );
}

async function deactivateConfirm(ctx: AppContext, me: Principal, cookie: Cookies, id: string) {
  const user = await getUser(ctx, id);
  return (
    <ConfirmPage
      page={pageContext(ctx, me, cookie)}
      title="Deactivate user"
      heading={`Deactivate ${labelOf(user)}?`}
      question="They are signed out everywhere at once, their tokens and reset links stop working, and they cannot sign in until an admin activates them again. Nothing is deleted."
      refusal={user.id === me.user.id ? `${SAFEGUARD.deactivateSelf}: another admin can.` : undefined}
      action={`${personPath(user)}/deactivate`}
      confirmLabel="Deactivate"
      cancelHref={personPath(user)}
      section="users"
    />
  );
}

async function resetLinkConfirm(ctx: AppContext, me: Principal, cookie: Cookies, id: string) {
  const user = await getUser(ctx, id);
  const issuedAt = await liveResetLinkIssuedAt(ctx.db, user.id, ctx.clock.now());
  const replaces = issuedAt ? ` This replaces the link issued at ${stamp(issuedAt)}: that one stops working.` : "";
  return (
    <ConfirmPage
      page={pageContext(ctx, me, cookie)}
      title="Create a reset link"
      heading={`Create a password reset link for ${labelOf(user)}?`}
      question={`The link works once, for 24 hours; it is emailed to them when mail is set up and shown to you once.${replaces}`}
      refusal={user.active ? undefined : "They are deactivated: activate them first."}
      action={`${personPath(user)}/reset-link`}
      confirmLabel={issuedAt ? "Replace the link" : "Create the link"}
      cancelHref={personPath(user)}
      danger={issuedAt !== null}
      section="users"
    />
  );
}

async function secondFactorResetConfirm(ctx: AppContext, me: Principal, cookie: Cookies, id: string) {
  const user = await getUser(ctx, id);
  return (
    <ConfirmPage
      page={pageContext(ctx, me, cookie)}
      title="Reset two-factor sign-in"
      heading={`Reset the second factor of ${labelOf(user)}?`}
      question="Their authenticator app, recovery codes and passkeys are removed and they are signed out everywhere. They sign in next with their password alone (and enrol again if the policy requires it)."
      action={`${personPath(user)}/second-factor/reset`}
      confirmLabel="Reset the second factor"
      cancelHref={personPath(user)}
      danger
      section="users"
    />
  );
}

export function confirmationPages(ctx: AppContext) {
  return new Elysia({ name: "users-confirm-pages" })
    .use(authGuard(ctx))
    .get("/admin/users/:id/role/confirm", ({ me, cookie, params, query }) => roleConfirm(ctx, me, cookie, params.id, query.role ?? ""), {
      ...WRITE(),
      query: z.object({ role: z.string().max(40).optional() }),
    })
    .get("/admin/users/:id/deactivate/confirm", ({ me, cookie, params }) => deactivateConfirm(ctx, me, cookie, params.id), WRITE())
    .get("/admin/users/:id/reset-link/confirm", ({ me, cookie, params }) => resetLinkConfirm(ctx, me, cookie, params.id), WRITE())
    .get("/admin/users/:id/second-factor/reset/confirm", ({ me, cookie, params }) => secondFactorResetConfirm(ctx, me, cookie, params.id), WRITE());
}
