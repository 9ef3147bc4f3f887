// /api/invitations: admin-only JSON API. Routes parse, call one service function, shape the reply.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import type { CreatedInvitation, Invitation } from "../../shared/contract";
import { authGuard } from "../../http/auth-guard";
import { publicBaseUrl } from "../../http/public-url";
import { adminCall } from "../users/service";
import { createInvitationBody, invitationIdParams, listInvitationsQuery } from "./model";
import { createInvitation, listInvitations, resendInvitation, revokeInvitation } from "./service";

export function invitationsApi(ctx: AppContext) {
  return new Elysia({ name: "invitations-api" })
    .use(authGuard(ctx))
    .get("/api/invitations", ({ query }): Promise<Invitation[]> => listInvitations(ctx, query.state === "all"), {
      auth: { role: "admin", scope: "users:read" },
      query: listInvitationsQuery,
    })
    .post(
      "/api/invitations",
      async ({ body, me, ip, request, set }): Promise<CreatedInvitation> => {
        const created = await createInvitation(ctx, adminCall(me, ip), body, publicBaseUrl(request, ctx.config));
        set.status = 201;
        return created;
      },
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, body: createInvitationBody },
    )
    .post(
      "/api/invitations/:id/resend",
      ({ params, me, ip, request }): Promise<CreatedInvitation> => resendInvitation(ctx, adminCall(me, ip), params.id, publicBaseUrl(request, ctx.config)),
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: invitationIdParams },
    )
    .delete(
      "/api/invitations/:id",
      async ({ params, me, ip }) => {
        await revokeInvitation(ctx, adminCall(me, ip), params.id);
        return new Response(null, { status: 204 });
      },
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: invitationIdParams },
    );
}
