// /admin/users: the list (compact rows, a count header, "Add user") and deleting a person (a
// confirmation page). Forms POST and redirect back with a flash (POST → 303 → GET); a refused
// "Add user" comes back as the page itself, the form open and filled, each error beside its field.
import { Elysia } from "elysia";
import type { z } from "zod";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { isRole } from "../../auth/roles";
import { authGuard } from "../../http/auth-guard";
import { formAction, pageContext, redirectWithFlash } from "../../http/page";
import { unconfirmed } from "../../http/confirm-form";
import { HttpError } from "../../shared/errors";
import { AdminUsersPage } from "../../../views/users/users-page";
import type { AddUserState } from "../../../views/users/add-user-form";
import { UserDeletePage } from "../../../views/users/user-delete-page";
import { adminUserForm, adminUsersQuery, userIdParams } from "./model";
import { adminCall, createUser, deleteUser, getUser, listUsers } from "./service";
import { requestUrl } from "../../http/request-url";
import { pageWindowOf } from "../../http/paging";
import { listInvitations } from "../invitations/service";
import { backTo, LIST_PATH } from "./back-to";
import { takeRevealedLink } from "./reveal";
import { personPages } from "./person-pages";
import { issueLinkFor } from "./change-forms";

type CookieJar = Parameters<typeof pageContext>[2];
type ListQuery = z.infer<typeof adminUsersQuery>;

/** The list: filters, a page of users, the count header, and a reset link waiting to be shown. */
async function listPage(ctx: AppContext, me: Principal, cookie: CookieJar, query: ListQuery, back: string, addUser?: AddUserState) {
  const page = pageContext(ctx, me, cookie);
  const filter = {
    q: query.q?.trim() ?? "",
    role: query.role && isRole(query.role) ? query.role : "",
    status: query.status === "active" || query.status === "deactivated" ? query.status : "",
  };
  const [result, everyone, deactivated, invitations] = await Promise.all([
    listUsers(ctx, {
      q: filter.q || undefined,
      role: filter.role || undefined,
      active: filter.status === "" ? undefined : filter.status === "active",
      ...pageWindowOf(query),
    }),
    listUsers(ctx, { limit: 1, offset: 0 }),
    listUsers(ctx, { active: false, limit: 1, offset: 0 }),
    listInvitations(ctx),
  ]);
  return (
    <AdminUsersPage
      page={page}
      users={result.users}
      total={result.total}
      limit={result.limit}
      offset={result.offset}
      filter={filter}
      back={back}
      revealedLink={takeRevealedLink(ctx, me, page.flash?.reveal)}
      counts={{ users: everyone.total, deactivated: deactivated.total }}
      invitations={invitations}
      addUser={addUser}
    />
  );
}

/** Which field a refusal of "Add user" is about, from the service's message. */
function addUserErrors(message: string): AddUserState["errors"] {
  if (/password/i.test(message)) return { password: message };
  if (/role/i.test(message)) return { role: message };
  if (/email|address|user with/i.test(message)) return { email: message };
  return { form: message };
}

type AddUserBody = z.infer<typeof adminUserForm>;

async function addUser(
  ctx: AppContext,
  me: Principal,
  ip: string | null,
  body: AddUserBody,
  reply: { set: { status?: number | string; headers: Record<string, string | number> }; cookie: CookieJar; request: Request },
) {
  const call = adminCall(me, ip);
  try {
    const user = await createUser(ctx, call, { email: body.email ?? "", name: body.name, role: body.role, password: body.password || undefined });
    const added = `Added ${user.email} as ${user.role}.`;
    if (body.also !== "reset-link") return redirectWithFlash(ctx, reply.set, reply.cookie, backTo(body.back), { kind: "ok", message: added });
    return formAction(ctx, reply, `${LIST_PATH}/${encodeURIComponent(user.id)}`, async () => {
      const flash = await issueLinkFor(ctx, me, call, user.id, reply.request);
      return { ...flash, message: `${added} ${flash.message}` };
    });
  } catch (error) {
    if (!(error instanceof HttpError) || (error.status !== 400 && error.status !== 409)) throw error;
    reply.set.status = error.status;
    const state: AddUserState = { values: { email: body.email ?? "", name: body.name ?? "", role: body.role ?? "" }, errors: addUserErrors(error.message) };
    return listPage(ctx, me, reply.cookie, {}, backTo(body.back), state);
  }
}

export function usersPages(ctx: AppContext) {
  return new Elysia({ name: "users-pages" })
    .use(authGuard(ctx))
    .use(personPages(ctx))
    .get(
      LIST_PATH,
      ({ me, cookie, query, request }) => {
        const url = requestUrl(request);
        return listPage(ctx, me, cookie, query, url.pathname + url.search);
      },
      { auth: { role: "admin", scope: "users:read" }, query: adminUsersQuery },
    )
    .post(LIST_PATH, ({ me, ip, body, set, cookie, request }) => addUser(ctx, me, ip, body, { set, cookie, request }), {
      auth: { role: "admin", scope: "users:write" },
      clientIp: true,
      body: adminUserForm,
    })
    .get(
      `${LIST_PATH}/:id/delete`,
      async ({ me, cookie, params }) => {
        const user = await getUser(ctx, params.id);
        return <UserDeletePage page={pageContext(ctx, me, cookie)} user={user} self={user.id === me.user.id} />;
      },
      { auth: { role: "admin", scope: "users:write" }, params: userIdParams },
    )
    .post(
      `${LIST_PATH}/:id/delete`,
      ({ me, ip, body, params, set, cookie }) =>
        unconfirmed(body, set, `${LIST_PATH}/${encodeURIComponent(params.id)}/delete`) ??
        formAction(ctx, { set, cookie }, LIST_PATH, async () => {
          const user = await getUser(ctx, params.id);
          await deleteUser(ctx, adminCall(me, ip), params.id);
          return { kind: "ok", message: `Deleted ${user.email}.` };
        }),
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userIdParams, body: adminUserForm },
    );
}
