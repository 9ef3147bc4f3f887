// The confirmation page of revoking an invitation (src/http/confirm-form.ts): GET …/confirm
// renders; the POST acts only with confirm=yes.
import { Elysia } from "elysia";
import { z } from "zod";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { pageContext } from "../../http/page";
import { NotFound } from "../../shared/errors";
import { ConfirmPage } from "../../../views/ui/confirm-page";
import { listInvitations } from "./service";

export function invitationConfirmPages(ctx: AppContext) {
  return new Elysia({ name: "invitation-confirm-pages" }).use(authGuard(ctx)).get(
    "/admin/users/invitations/:id/revoke/confirm",
    async ({ me, cookie, params }) => {
      const invitation = (await listInvitations(ctx)).find((i) => i.id === params.id);
      if (!invitation) throw new NotFound("No such invitation");
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
    { auth: { role: "admin", scope: "users:write" }, params: z.object({ id: z.string().max(100) }) },
  );
}
