// The confirmation pages of revoking an invitation and of sending it again (src/http/confirm-form.ts):
// GET …/confirm renders; the POST acts only with confirm=yes. Sending again is risky too: the link
// already sent stops working, so a person who is about to use it must be told.
import { Elysia } from "elysia";
import { z } from "zod";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { pageContext } from "../../http/page";
import { NotFound } from "../../shared/errors";
import { ConfirmPage } from "../../../views/ui/confirm-page";
import { listInvitations } from "./service";
import type { Invitation } from "../../shared/contract";

const idParams = z.object({ id: z.string().max(100) });
// A new object per route: Elysia rewrites a route's options when it applies the macros, and with
// one shared object the second route refused its own admin (302 to /login) after some request orders.
const need = () => ({ auth: { role: "admin" as const, scope: "users:write" as const }, params: idParams });

async function openInvitation(ctx: AppContext, id: string): Promise<Invitation> {
  const invitation = (await listInvitations(ctx)).find((i) => i.id === id);
  if (!invitation) throw new NotFound("No such invitation");
  return invitation;
}

export function invitationConfirmPages(ctx: AppContext) {
  return new Elysia({ name: "invitation-confirm-pages" })
    .use(authGuard(ctx))
    .get(
      "/admin/users/invitations/:id/revoke/confirm",
      async ({ me, cookie, params }) => {
        const invitation = await openInvitation(ctx, params.id);
        return (
          <ConfirmPage
            page={pageContext(ctx, me, cookie)}
            title="Revoke an invitation"
            heading={`Revoke the invitation of ${invitation.email}?`}
            question="Its link stops working at once. You can invite them again later."
            action={`/admin/users/invitations/${encodeURIComponent(invitation.id)}/revoke`}
            confirmLabel="Revoke"
            cancelHref="/admin/users"
            section="users"
          />
        );
      },
      need(),
    )
    .get(
      "/admin/users/invitations/:id/resend/confirm",
      async ({ me, cookie, params }) => {
        const invitation = await openInvitation(ctx, params.id);
        const days = ctx.config.inviteDays;
        return (
          <ConfirmPage
            page={pageContext(ctx, me, cookie)}
            title="Send an invitation again"
            heading={`Send ${invitation.email} a new invitation link?`}
            question={`The link sent before stops working at once; the new one works for ${days} ${days === 1 ? "day" : "days"}.`}
            action={`/admin/users/invitations/${encodeURIComponent(invitation.id)}/resend`}
            confirmLabel="Send a new link"
            cancelHref="/admin/users"
            section="users"
          />
        );
      },
      need(),
    );
}
