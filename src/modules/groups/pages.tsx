// The groups pages: /admin/groups (list, create), /admin/groups/{id} (rename, members with search,
// remove, delete with a confirm step), /admin/datasets/{name}/grants (who may read a dataset) and
// /admin/users/{id}/access ("view as"). Forms POST with the CSRF field and answer 303 with a flash;
// refusals (409 "managed by …", 400) come back as an error flash. No JavaScript needed.
import { Elysia } from "elysia";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { authGuard } from "../../http/auth-guard";
import { formAction, pageContext } from "../../http/page";
import { confirmForm } from "../../http/confirm-form";
import { GroupsPage } from "../../../views/groups/groups-page";
import { GroupPage } from "../../../views/groups/group-page";
import { GroupDeletePage } from "../../../views/groups/group-delete-page";
import { DatasetGrantsPage } from "../../../views/groups/dataset-grants-page";
import { UserAccessPage } from "../../../views/groups/user-access-page";
import { adminCall, listUsers } from "../users/service";
import { addMember, changeGroup, createGroup, deleteGroup, getGroup, listGroups, listMembers, removeMember } from "./service";
import { datasetGrants, setGrants } from "./grants";
import { userAccess } from "./access-report";
import { datasetParams, groupIdParams, memberParams, userIdParams } from "./model";

const groupForm = z.object({ _csrf: z.string().optional(), name: z.string().max(1000).optional(), description: z.string().max(4000).optional() });
const memberForm = z.object({ _csrf: z.string().optional(), user_id: z.string().max(200).optional() });
const searchQuery = z.object({ q: z.string().max(200).optional() });
const grantsForm = z.record(z.string().max(300), z.string().max(100));

/** Provider id → label, and "agnes" → "Agnes", for the source badges. */
export function sourceLabels(ctx: AppContext): Record<string, string> {
  return Object.fromEntries([["agnes", "Agnes"], ...ctx.config.sso.providers.map((p) => [p.id, p.label])]);
}

const groupPath = (id: string) => `/admin/groups/${encodeURIComponent(id)}`;

export function groupsPages(ctx: AppContext) {
  return new Elysia({ name: "groups-pages" }).use(groupListPages(ctx)).use(groupDetailPages(ctx)).use(accessPages(ctx));
}

function groupListPages(ctx: AppContext) {
  return new Elysia({ name: "groups-list-pages" })
    .use(authGuard(ctx))
    .get(
      "/admin/groups",
      async ({ me, cookie }) => <GroupsPage page={pageContext(ctx, me, cookie)} groups={await listGroups(ctx, me)} labels={sourceLabels(ctx)} />,
      {
        auth: { role: "admin", scope: "users:read" },
      },
    )
    .post(
      "/admin/groups",
      ({ me, ip, cookie, body, set }) =>
        formAction(ctx, { set, cookie }, "/admin/groups", async () => {
          const group = await createGroup(ctx, adminCall(me, ip), { name: body.name ?? "", description: body.description });
          return `Group ${group.name} created.`;
        }),
      { auth: { role: "admin", scope: "groups:write" }, clientIp: true, body: groupForm },
    );
}

async function groupPage(ctx: AppContext, me: Principal, cookie: Parameters<typeof pageContext>[2], id: string, q: string) {
  const group = await getGroup(ctx, me, id);
  const { members } = await listMembers(ctx, id, { limit: 500 });
  const found = q.trim() ? (await listUsers(ctx, { q: q.trim(), limit: 20 })).users : null;
  const labels = sourceLabels(ctx);
  return (
    <GroupPage
      page={pageContext(ctx, me, cookie)}
      group={group}
      label={labels[group.source] ?? group.source}
      labels={labels}
      members={members}
      q={q}
      found={found}
    />
  );
}

function groupDetailPages(ctx: AppContext) {
  return new Elysia({ name: "groups-detail-pages" })
    .use(authGuard(ctx))
    .get("/admin/groups/:id", ({ me, cookie, params, query }) => groupPage(ctx, me, cookie, params.id, query.q ?? ""), {
      auth: { role: "admin", scope: "users:read" },
      params: groupIdParams,
      query: searchQuery,
    })
    .post(
      "/admin/groups/:id/edit",
      ({ me, ip, cookie, params, body, set }) =>
        formAction(ctx, { set, cookie }, groupPath(params.id), async () => {
          const group = await changeGroup(ctx, adminCall(me, ip), params.id, { name: body.name, description: body.description });
          return `Group ${group.name} saved.`;
        }),
      { auth: { role: "admin", scope: "groups:write" }, clientIp: true, params: groupIdParams, body: groupForm },
    )
    .post(
      "/admin/groups/:id/members",
      ({ me, ip, cookie, params, body, set }) =>
        formAction(ctx, { set, cookie }, groupPath(params.id), async () => {
          const member = await addMember(ctx, adminCall(me, ip), params.id, body.user_id ?? "");
          return `${member.email} is a member.`;
        }),
      { auth: { role: "admin", scope: "groups:write" }, clientIp: true, params: groupIdParams, body: memberForm },
    )
    .post(
      "/admin/groups/:id/members/:user_id/remove",
      ({ me, ip, cookie, params, set }) =>
        formAction(ctx, { set, cookie }, groupPath(params.id), async () => {
          await removeMember(ctx, adminCall(me, ip), params.id, params.user_id);
          return `${ctx.authState.user(params.user_id)?.email ?? "The person"} was removed.`;
        }),
      { auth: { role: "admin", scope: "groups:write" }, clientIp: true, params: memberParams },
    )
    .use(groupDeletePages(ctx));
}

function groupDeletePages(ctx: AppContext) {
  const confirm = async (me: Principal, cookie: Parameters<typeof pageContext>[2], id: string) => {
    const group = await getGroup(ctx, me, id);
    const grants = ctx.data.all().filter((row) => ctx.authState.groups.grantsOf(row.name).includes(id)).length;
    return <GroupDeletePage page={pageContext(ctx, me, cookie)} group={group} grants={grants} />;
  };
  return new Elysia({ name: "groups-delete-pages" })
    .use(authGuard(ctx))
    .get("/admin/groups/:id/delete", ({ me, cookie, params }) => confirm(me, cookie, params.id), {
      auth: { role: "admin", scope: "groups:write" },
      params: groupIdParams,
    })
    .post(
      "/admin/groups/:id/delete",
      ({ me, ip, cookie, params, body, set }) => {
        if (body.confirm !== "yes") return confirm(me, cookie, params.id);
        return formAction(ctx, { set, cookie }, "/admin/groups", async () => {
          await deleteGroup(ctx, adminCall(me, ip), params.id);
          return "Group deleted.";
        });
      },
      { auth: { role: "admin", scope: "groups:write" }, clientIp: true, params: groupIdParams, body: confirmForm },
    );
}

function accessPages(ctx: AppContext) {
  return new Elysia({ name: "groups-access-pages" })
    .use(authGuard(ctx))
    .get(
      "/admin/datasets/:name/grants",
      async ({ me, cookie, params }) => (
        <DatasetGrantsPage
          page={pageContext(ctx, me, cookie)}
          dataset={params.name}
          groups={await listGroups(ctx, me)}
          granted={datasetGrants(ctx, params.name).groups.map((g) => g.id)}
        />
      ),
      { auth: { role: "admin", scope: "users:read" }, params: datasetParams },
    )
    .post(
      "/admin/datasets/:name/grants",
      ({ me, ip, cookie, params, body, set }) =>
        formAction(ctx, { set, cookie }, "/admin/datasets", async () => {
          const groups = Object.keys(body)
            .filter((key) => key.startsWith("grant:"))
            .map((key) => key.slice("grant:".length));
          const grants = await setGrants(ctx, adminCall(me, ip), params.name, groups);
          return `${params.name} is readable by ${grants.groups.map((g) => g.name).join(", ") || "admins only"}.`;
        }),
      { auth: { role: "admin", scope: "groups:write" }, clientIp: true, params: datasetParams, body: grantsForm },
    )
    .get(
      "/admin/users/:id/access",
      ({ me, cookie, params }) => <UserAccessPage page={pageContext(ctx, me, cookie)} access={userAccess(ctx, params.id)} labels={sourceLabels(ctx)} />,
      { auth: { role: "admin", scope: "users:read" }, params: userIdParams },
    );
}
