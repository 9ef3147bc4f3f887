// /api/users: admin-only JSON API. Routes parse, call one service function, shape the reply.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import type { ResetLink, User } from "../../shared/contract";
import { authGuard } from "../../http/auth-guard";
import { publicBaseUrl } from "../../http/public-url";
import { issueResetLink } from "../password-reset/service";
import { createUserBody, listUsersQuery, setPasswordBody, updateUserBody, userIdParams } from "./model";
import { adminCall, createUser, deleteUser, getUser, listUsers, resetUserSecondFactor, setUserPassword, updateUser } from "./service";

const noContent = () => new Response(null, { status: 204 });

export function usersApi(ctx: AppContext) {
  return new Elysia({ name: "users-api" }).use(userRecords(ctx)).use(userAccess(ctx));
}

/** The accounts themselves: list, create, read, change, delete. */
function userRecords(ctx: AppContext) {
  return new Elysia({ name: "users-records" })
    .use(authGuard(ctx))
    .get(
      "/api/users",
      async ({ query, set }): Promise<User[]> => {
        const active = query.active === undefined ? undefined : query.active === "true";
        const page = await listUsers(ctx, { ...query, active });
        set.headers["x-total-count"] = String(page.total);
        return page.users;
      },
      { auth: { role: "admin", scope: "users:read" }, query: listUsersQuery },
    )
    .post(
      "/api/users",
      async ({ body, me, ip, set }): Promise<User> => {
        const user = await createUser(ctx, adminCall(me, ip), body);
        set.status = 201;
        return user;
      },
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, body: createUserBody },
    )
    .get("/api/users/:id", ({ params }) => getUser(ctx, params.id), { auth: { role: "admin", scope: "users:read" }, params: userIdParams })
    .patch("/api/users/:id", ({ params, body, me, ip }) => updateUser(ctx, adminCall(me, ip), params.id, body), {
      auth: { role: "admin", scope: "users:write" },
      clientIp: true,
      params: userIdParams,
      body: updateUserBody,
    })
    .delete(
      "/api/users/:id",
      async ({ params, me, ip }) => {
        await deleteUser(ctx, adminCall(me, ip), params.id);
        return noContent();
      },
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userIdParams },
    );
}

/** How a person gets in: reset links, passwords set by an admin, (de)activation. */
function userAccess(ctx: AppContext) {
  return new Elysia({ name: "users-access" })
    .use(authGuard(ctx))
    .post(
      "/api/users/:id/reset-password",
      ({ params, me, ip, request }): Promise<ResetLink> => issueResetLink(ctx, adminCall(me, ip), params.id, publicBaseUrl(request, ctx.config)),
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userIdParams },
    )
    .post(
      "/api/users/:id/set-password",
      async ({ params, body, me, ip }) => {
        await setUserPassword(ctx, adminCall(me, ip), params.id, body.password, body.must_change_password ?? true);
        return noContent();
      },
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userIdParams, body: setPasswordBody },
    )
    .post(
      "/api/users/:id/second-factor/reset",
      async ({ params, me, ip }) => {
        await resetUserSecondFactor(ctx, adminCall(me, ip), params.id);
        return noContent();
      },
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userIdParams },
    )
    .post("/api/users/:id/activate", ({ params, me, ip }) => updateUser(ctx, adminCall(me, ip), params.id, { active: true }), {
      auth: { role: "admin", scope: "users:write" },
      clientIp: true,
      params: userIdParams,
    })
    .post("/api/users/:id/deactivate", ({ params, me, ip }) => updateUser(ctx, adminCall(me, ip), params.id, { active: false }), {
      auth: { role: "admin", scope: "users:write" },
      clientIp: true,
      params: userIdParams,
    });
}
