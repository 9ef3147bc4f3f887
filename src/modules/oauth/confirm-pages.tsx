// The confirmation pages of /admin/oauth-clients (src/http/confirm-form.ts): removing a client
// (its grants end) and revoking one connected app. GET …/confirm renders; the POST acts only with
// confirm=yes.
import { Elysia } from "elysia";
import { z } from "zod";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { pageContext } from "../../http/page";
import { NotFound } from "../../shared/errors";
import { ConfirmPage } from "../../../views/ui/confirm-page";
import { listOAuthClients } from "./clients";
import { listConnectedApps } from "./grants";

const admin = () => ({ auth: "admin" as const, sessionOnly: true });
const idParams = z.object({ id: z.string().max(200) });

export function oauthConfirmPages(ctx: AppContext) {
  return new Elysia({ name: "oauth-confirm-pages" })
    .use(authGuard(ctx))
    .get(
      "/admin/oauth-clients/:id/delete/confirm",
      async ({ me, cookie, params }) => {
        const client = (await listOAuthClients(ctx)).find((c) => c.id === params.id);
        if (!client) throw new NotFound("No such client");
        return (
          <ConfirmPage
            page={pageContext(ctx, me, cookie)}
            title="Remove an OAuth client"
            heading={`Remove ${client.name}?`}
            question={`Its ${client.liveGrants} connected app(s) end at once and it can no longer ask anyone to connect.`}
            action={`/admin/oauth-clients/${encodeURIComponent(client.id)}/delete`}
            confirmLabel="Remove"
            cancelHref="/admin/oauth-clients"
          />
        );
      },
      { ...admin(), params: idParams },
    )
    .get(
      "/admin/oauth-clients/grants/:id/revoke/confirm",
      async ({ me, cookie, params }) => {
        const app = (await listConnectedApps(ctx, null)).find((a) => a.id === params.id);
        if (!app) throw new NotFound("No such connected app");
        return (
          <ConfirmPage
            page={pageContext(ctx, me, cookie)}
            title="Revoke a connected app"
            heading={`Revoke ${app.client_name}?`}
            question="Its tokens are refused from now on; its owner can connect it again."
            action={`/admin/oauth-clients/grants/${encodeURIComponent(app.id)}/revoke`}
            confirmLabel="Revoke"
            cancelHref="/admin/oauth-clients#grants"
          />
        );
      },
      { ...admin(), params: idParams },
    );
}
