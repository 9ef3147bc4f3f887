// /admin/users pages: forms that POST, redirect back with a flash (POST → 303 → GET), and reuse the
// service functions of the API. A refused change (safeguard, bad input) comes back as an error flash.
import { Elysia } from "elysia";
import type { z } from "zod";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { isRole } from "../../auth/roles";
import { authGuard } from "../../http/auth-guard";
import { formAction, pageContext } from "../../http/page";
import { publicBaseUrl } from "../../http/public-url";
import { AdminUsersPage, type RevealedResetLink } from "../../../views/users/users-page";
import { UserDeletePage } from "../../../views/users/user-delete-page";
import { issueResetLink } from "../password-reset/service";
import { adminUserForm, adminUsersQuery, userIdParams } from "./model";
import { adminCall, createUser, deleteUser, getUser, listUsers, resetUserSecondFactor, setUserPassword, updateUser } from "./service";
import { requestUrl } from "../../http/request-url";
import { pageWindowOf } from "../../http/paging";
import { signInMethodsOf } from "../sso/sign-in-methods";
import { groupNamesOf } from "../groups/access-report";
import { listInvitations } from "../invitations/service";

import { backTo, LIST_PATH } from "./back-to";

/** Back to the list with its filters, never anywhere else. */

/** Reveals are bound to the viewer's session; an admin using a PAT in a browser gets one per token. */
function revealOwner(me: Principal): string {
  return me.sessionId ?? `pat:${me.tokenId}`;
}

/** A reveal holds one string: the link and whom it was emailed to, as JSON. */
function takeRevealedLink(ctx: AppContext, me: Principal, id: string | undefined): RevealedResetLink | null {
  const value = ctx.reveals.take(revealOwner(me), id);
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as Partial<RevealedResetLink>;
    if (typeof parsed.url !== "string") return null;
    const kind = parsed.kind === "invitation" ? "invitation" : "reset";
    return { url: parsed.url, emailedTo: typeof parsed.emailedTo === "string" ? parsed.emailedTo : null, kind };
  } catch {
    return null;
  }
}

/** The list: filters, a page of users, how each signs in, and a reset link waiting to be shown. */
async function listPage(ctx: AppContext, me: Principal, cookie: CookieJar, query: z.infer<typeof adminUsersQuery>, request: Request) {
  const page = pageContext(ctx, me, cookie);
  const filter = {
    q: query.q?.trim() ?? "",
    role: query.role && isRole(query.role) ? query.role : "",
    status: query.status === "active" || query.status === "deactivated" ? query.status : "",
  };
  const result = await listUsers(ctx, {
    q: filter.q || undefined,
    role: filter.role || undefined,
    active: filter.status === "" ? undefined : filter.status === "active",
    ...pageWindowOf(query),
  });
  const url = requestUrl(request);
  const revealedLink = takeRevealedLink(ctx, me, page.flash?.reveal);
  const signIns = await signInMethodsOf(
    ctx,
    result.users.map((user) => user.id),
  );
  const linkProviders = ctx.config.sso.providers.map((p) => ({ id: p.id, label: p.label }));
  const invitations = await listInvitations(ctx);
  return (
    <AdminUsersPage
      page={page}
      users={result.users}
      total={result.total}
      limit={result.limit}
      offset={result.offset}
      filter={filter}
      back={url.pathname + url.search}
      revealedLink={revealedLink}
      signIns={signIns}
      linkProviders={linkProviders}
      groupsOf={Object.fromEntries(result.users.map((u) => [u.id, groupNamesOf(ctx, u.id)]))}
      invitations={invitations}
    />
  );
}

type CookieJar = Parameters<typeof pageContext>[2];

export function usersPages(ctx: AppContext) {
  return new Elysia({ name: "users-pages" })
    .use(authGuard(ctx))
    .get(LIST_PATH, ({ me, cookie, query, request }) => listPage(ctx, me, cookie, query, request), {
      auth: { role: "admin", scope: "users:read" },
      query: adminUsersQuery,
    })
    .get(
      `${LIST_PATH}/:id/delete`,
      async ({ me, cookie, params }) => {
        const user = await getUser(ctx, params.id);
        return <UserDeletePage page={pageContext(ctx, me, cookie)} user={user} />;
      },
      { auth: { role: "admin", scope: "users:write" }, params: userIdParams },
    )
    .post(
      `${LIST_PATH}/:id/delete`,
      ({ me, ip, body, params, set, cookie }) => {
        if (body.confirm !== "yes") {
          set.status = 303;
          set.headers.location = `${LIST_PATH}/${encodeURIComponent(params.id)}/delete`;
          return "";
        }
        return formAction(ctx, { set, cookie }, LIST_PATH, async () => {
          const user = await getUser(ctx, params.id);
          await deleteUser(ctx, adminCall(me, ip), params.id);
          return { kind: "ok", message: `Deleted ${user.email}.` };
        });
      },
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userIdParams, body: adminUserForm },
    );
}

/** Adding people and changing their role or status, each a form that redirects back with a flash. */
export function userChangeForms(ctx: AppContext) {
  return new Elysia({ name: "users-change-forms" })
    .use(authGuard(ctx))
    .post(
      LIST_PATH,
      ({ me, ip, body, set, cookie }) =>
        formAction(ctx, { set, cookie }, backTo(body.back), async () => {
          const user = await createUser(ctx, adminCall(me, ip), {
            email: body.email ?? "",
            name: body.name,
            role: body.role,
            password: body.password || undefined,
          });
          return { kind: "ok", message: `Added ${user.email} as ${user.role}.` };
        }),
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, body: adminUserForm },
    )
    .post(
      `${LIST_PATH}/:id/role`,
      ({ me, ip, body, params, set, cookie }) =>
        formAction(ctx, { set, cookie }, backTo(body.back), async () => {
          const user = await updateUser(ctx, adminCall(me, ip), params.id, { role: body.role ?? "" });
          return { kind: "ok", message: `${user.email} is now ${user.role}.` };
        }),
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userIdParams, body: adminUserForm },
    )
    .post(
      `${LIST_PATH}/:id/activate`,
      ({ me, ip, body, params, set, cookie }) =>
        formAction(ctx, { set, cookie }, backTo(body.back), async () => {
          const user = await updateUser(ctx, adminCall(me, ip), params.id, { active: true });
          return { kind: "ok", message: `Activated ${user.email}.` };
        }),
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userIdParams, body: adminUserForm },
    )
    .post(
      `${LIST_PATH}/:id/deactivate`,
      ({ me, ip, body, params, set, cookie }) =>
        formAction(ctx, { set, cookie }, backTo(body.back), async () => {
          const user = await updateUser(ctx, adminCall(me, ip), params.id, { active: false });
          return { kind: "ok", message: `Deactivated ${user.email}: their sessions and tokens stopped working.` };
        }),
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userIdParams, body: adminUserForm },
    );
}

/** Reset links (revealed once) and passwords set by an admin. */
export function userPasswordForms(ctx: AppContext) {
  return new Elysia({ name: "users-password-forms" })
    .use(authGuard(ctx))
    .post(
      `${LIST_PATH}/:id/reset-link`,
      ({ me, ip, body, params, set, cookie, request }) =>
        formAction(ctx, { set, cookie }, backTo(body.back), async () => {
          const link = await issueResetLink(ctx, adminCall(me, ip), params.id, publicBaseUrl(request, ctx.config));
          const user = await getUser(ctx, params.id);
          const revealed: RevealedResetLink = { url: link.reset_url, emailedTo: link.email_sent ? user.email : null };
          const reveal = ctx.reveals.put(revealOwner(me), user.id, JSON.stringify(revealed));
          if (link.email_sent) return { kind: "ok", message: `Reset link for ${user.email} created and emailed to them.`, reveal };
          if (ctx.mailer) return { kind: "error", message: `Reset link for ${user.email} created, but emailing it failed: pass it on yourself.`, reveal };
          return { kind: "ok", message: `Reset link for ${user.email} created.`, reveal };
        }),
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userIdParams, body: adminUserForm },
    )
    .post(
      `${LIST_PATH}/:id/second-factor/reset`,
      ({ me, ip, body, params, set, cookie }) =>
        formAction(ctx, { set, cookie }, backTo(body.back), async () => {
          await resetUserSecondFactor(ctx, adminCall(me, ip), params.id);
          const user = await getUser(ctx, params.id);
          return { kind: "ok", message: `Second factor of ${user.email} reset; their sessions were ended.` };
        }),
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userIdParams, body: adminUserForm },
    )
    .post(
      `${LIST_PATH}/:id/password`,
      ({ me, ip, body, params, set, cookie }) =>
        formAction(ctx, { set, cookie }, backTo(body.back), async () => {
          await setUserPassword(ctx, adminCall(me, ip), params.id, body.password ?? "");
          const user = await getUser(ctx, params.id);
          return { kind: "ok", message: `Password set for ${user.email}; their sessions were ended.` };
        }),
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userIdParams, body: adminUserForm },
    );
}
