// Admin routes for a person's SSO identities: the JSON API under /api/users/{id} (list, link by
// hand, unlink, detach from the provider's groups) and the matching /admin/users forms. Admin only,
// through the one auth guard, like every /api/users route; forms answer POST → 303 → GET with a flash.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { NotFound } from "../../shared/errors";
import { formAction, pageContext } from "../../http/page";
import type { User } from "../../shared/contract";
import { IdentityUnlinkPage } from "../../../views/sso/identity-unlink-page";
import { adminCall, getUser, toUser } from "../users/service";
import { backTo } from "../users/back-to";
import { detachFromGroups, linkIdentityByHand, listIdentities, unlinkIdentity, type UserIdentity } from "./admin-identities";
import { identityForm, linkIdentityBody, userIdentityParams, userProviderParams } from "./model";

const noContent = () => new Response(null, { status: 204 });
const LIST_PATH = "/admin/users";

export function identitiesApi(ctx: AppContext) {
  return new Elysia({ name: "sso-identities-api" })
    .use(authGuard(ctx))
    .get("/api/users/:id/identities", ({ params }): Promise<UserIdentity[]> => listIdentities(ctx, params.id), {
      auth: { role: "admin", scope: "users:read" },
      params: userIdentityParams,
    })
    .post(
      "/api/users/:id/identities",
      async ({ params, body, me, ip, set }): Promise<UserIdentity> => {
        const identity = await linkIdentityByHand(ctx, adminCall(me, ip), params.id, body);
        set.status = 201;
        return identity;
      },
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userIdentityParams, body: linkIdentityBody },
    )
    .delete(
      "/api/users/:id/identities/:provider",
      async ({ params, me, ip }) => {
        await unlinkIdentity(ctx, adminCall(me, ip), params.id, params.provider);
        return noContent();
      },
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userProviderParams },
    )
    .post("/api/users/:id/detach-groups", async ({ params, me, ip }): Promise<User> => toUser(await detachFromGroups(ctx, adminCall(me, ip), params.id)), {
      auth: { role: "admin", scope: "users:write" },
      clientIp: true,
      params: userIdentityParams,
    });
}

export function identityForms(ctx: AppContext) {
  return new Elysia({ name: "sso-identity-forms" }).use(linkForms(ctx)).use(unlinkForms(ctx));
}

const base = (id: string) => `${LIST_PATH}/${encodeURIComponent(id)}`;

/** Link an identity by hand; detach a person from the provider's groups. */
function linkForms(ctx: AppContext) {
  return new Elysia({ name: "sso-link-forms" })
    .use(authGuard(ctx))
    .post(
      `${LIST_PATH}/:id/identities`,
      ({ me, ip, body, params, set, cookie }) =>
        formAction(ctx, { set, cookie }, backTo(body.back), async () => {
          const identity = await linkIdentityByHand(ctx, adminCall(me, ip), params.id, { provider: body.provider ?? "", subject: body.subject ?? "" });
          const user = await getUser(ctx, params.id);
          return { kind: "ok", message: `Linked the ${identity.label} identity ${identity.subject} to ${user.email}.` };
        }),
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userIdentityParams, body: identityForm },
    )
    .post(
      `${LIST_PATH}/:id/detach-groups`,
      ({ me, ip, body, params, set, cookie }) =>
        formAction(ctx, { set, cookie }, backTo(body.back), async () => {
          const user = await detachFromGroups(ctx, adminCall(me, ip), params.id);
          return { kind: "ok", message: `${user.email} is detached from the provider's groups: set their role here.` };
        }),
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userIdentityParams, body: identityForm },
    );
}

/** Unlink an identity, through the one confirmation page. */
function unlinkForms(ctx: AppContext) {
  return new Elysia({ name: "sso-unlink-forms" })
    .use(authGuard(ctx))
    .get(
      `${LIST_PATH}/:id/identities/:provider/unlink`,
      async ({ me, cookie, params }) => {
        const user = await getUser(ctx, params.id);
        const identity = (await listIdentities(ctx, params.id)).find((i) => i.provider === params.provider);
        if (!identity) throw new NotFound("This user has no identity at that provider");
        return (
          <IdentityUnlinkPage
            page={pageContext(ctx, me, cookie)}
            user={user}
            provider={params.provider}
            label={identity.label ?? params.provider}
            subject={identity.subject}
          />
        );
      },
      { auth: { role: "admin", scope: "users:write" }, params: userProviderParams },
    )
    .post(
      `${LIST_PATH}/:id/identities/:provider/unlink`,
      ({ me, ip, body, params, set, cookie }) => {
        if (body.confirm !== "yes") {
          set.status = 303;
          set.headers.location = `${base(params.id)}/identities/${encodeURIComponent(params.provider)}/unlink`;
          return "";
        }
        return formAction(ctx, { set, cookie }, LIST_PATH, async () => {
          await unlinkIdentity(ctx, adminCall(me, ip), params.id, params.provider);
          const user = await getUser(ctx, params.id);
          return { kind: "ok", message: `Unlinked the ${params.provider} identity of ${user.email}.` };
        });
      },
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: userProviderParams, body: identityForm },
    );
}
