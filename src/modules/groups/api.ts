// /api/groups (any user lists the groups they are in; admins list all and change them), members,
// dataset grants (/api/datasets/{name}/grants) and "view as" (/api/users/{id}/access).
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import type { DatasetGrants, Group, GroupMember, UserAccess } from "../../shared/groups";
import { authGuard } from "../../http/auth-guard";
import { adminCall } from "../users/service";
import { changeGroupBody, createGroupBody, datasetParams, grantsBody, groupIdParams, memberParams, membersQuery, userIdParams } from "./model";
import { addMember, changeGroup, createGroup, deleteGroup, getGroup, listGroups, listMembers, removeMember } from "./service";
import { datasetGrants, setGrants } from "./grants";
import { userAccess } from "./access-report";

const noContent = () => new Response(null, { status: 204 });

export function groupsApi(ctx: AppContext) {
  return new Elysia({ name: "groups-api" }).use(groupRoutes(ctx)).use(memberRoutes(ctx)).use(grantRoutes(ctx));
}

function groupRoutes(ctx: AppContext) {
  return new Elysia({ name: "groups-records" })
    .use(authGuard(ctx))
    .get("/api/groups", ({ me }): Promise<Group[]> => listGroups(ctx, me), { auth: { role: "user", scope: "profile:read" } })
    .post(
      "/api/groups",
      async ({ me, ip, body, set }): Promise<Group> => {
        const group = await createGroup(ctx, adminCall(me, ip), body);
        set.status = 201;
        return group;
      },
      { auth: { role: "admin", scope: "groups:write" }, clientIp: true, body: createGroupBody },
    )
    .get("/api/groups/:id", ({ me, params }): Promise<Group> => getGroup(ctx, me, params.id), {
      auth: { role: "user", scope: "profile:read" },
      params: groupIdParams,
    })
    .patch("/api/groups/:id", ({ me, ip, params, body }): Promise<Group> => changeGroup(ctx, adminCall(me, ip), params.id, body), {
      auth: { role: "admin", scope: "groups:write" },
      clientIp: true,
      params: groupIdParams,
      body: changeGroupBody,
    })
    .delete(
      "/api/groups/:id",
      async ({ me, ip, params }) => {
        await deleteGroup(ctx, adminCall(me, ip), params.id);
        return noContent();
      },
      { auth: { role: "admin", scope: "groups:write" }, clientIp: true, params: groupIdParams },
    );
}

function memberRoutes(ctx: AppContext) {
  return new Elysia({ name: "groups-members" })
    .use(authGuard(ctx))
    .get(
      "/api/groups/:id/members",
      async ({ params, query, set }): Promise<GroupMember[]> => {
        const page = await listMembers(ctx, params.id, query);
        set.headers["x-total-count"] = String(page.total);
        return page.members;
      },
      { auth: { role: "admin", scope: "users:read" }, params: groupIdParams, query: membersQuery },
    )
    .put("/api/groups/:id/members/:user_id", ({ me, ip, params }): Promise<GroupMember> => addMember(ctx, adminCall(me, ip), params.id, params.user_id), {
      auth: { role: "admin", scope: "groups:write" },
      clientIp: true,
      params: memberParams,
    })
    .delete(
      "/api/groups/:id/members/:user_id",
      async ({ me, ip, params }) => {
        await removeMember(ctx, adminCall(me, ip), params.id, params.user_id);
        return noContent();
      },
      { auth: { role: "admin", scope: "groups:write" }, clientIp: true, params: memberParams },
    );
}

function grantRoutes(ctx: AppContext) {
  return new Elysia({ name: "groups-grants" })
    .use(authGuard(ctx))
    .get("/api/datasets/:name/grants", ({ params }): DatasetGrants => datasetGrants(ctx, params.name), {
      auth: { role: "admin", scope: "users:read" },
      params: datasetParams,
    })
    .put("/api/datasets/:name/grants", ({ me, ip, params, body }): Promise<DatasetGrants> => setGrants(ctx, adminCall(me, ip), params.name, body.groups), {
      auth: { role: "admin", scope: "groups:write" },
      clientIp: true,
      params: datasetParams,
      body: grantsBody,
    })
    .get("/api/users/:id/access", ({ params }): UserAccess => userAccess(ctx, params.id), {
      auth: { role: "admin", scope: "users:read" },
      params: userIdParams,
    });
}
