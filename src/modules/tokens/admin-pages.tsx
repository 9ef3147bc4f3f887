// /admin/tokens: every token with its owner, filters, pagination, and revoke with a confirmation
// step that works without JavaScript (GET confirm page → POST with confirm=yes).
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { pageContext, redirectWithFlash, type PageContext } from "../../http/page";
import { AdminTokensPage } from "../../../views/tokens/tokens-page";
import { TokenRevokePage } from "../../../views/tokens/token-revoke-page";
import { TOKEN_STATE_FILTERS, type TokenStateFilter } from "../../shared/contract";
import { confirmForm } from "../../http/confirm-form";
import { adminTokensPageQuery, tokenIdParams } from "./model";
import { getAnyToken, listAdminTokens, revokeToken } from "./service";
import { pageWindowOf } from "../../http/paging";

export function adminTokensPages(ctx: AppContext) {
  const confirmPage = async (page: PageContext, id: string) => {
    const token = await getAnyToken(ctx, id);
    return <TokenRevokePage page={page} scope="admin" token={token} />;
  };
  return new Elysia({ name: "tokens-admin-pages" })
    .use(authGuard(ctx))
    .get(
      "/admin/tokens",
      async ({ me, cookie, query }) => {
        const state = (TOKEN_STATE_FILTERS as readonly string[]).includes(query.state ?? "") ? (query.state as TokenStateFilter) : "all";
        const filter = {
          user: query.user?.trim() ?? "",
          state,
          ...pageWindowOf(query),
        };
        // A person searching the page types part of an email; the API keeps its exact match.
        const { tokens, total } = await listAdminTokens(ctx, { ...filter, ownerSubstring: true });
        const page = pageContext(ctx, me, cookie);
        return <AdminTokensPage page={page} tokens={tokens} total={total} filter={filter} now={ctx.clock.now()} />;
      },
      { auth: { role: "admin", scope: "users:read" }, query: adminTokensPageQuery },
    )
    .get("/admin/tokens/:id/revoke", async ({ me, cookie, params }) => confirmPage(pageContext(ctx, me, cookie), params.id), {
      auth: { role: "admin", scope: "users:write" },
      params: tokenIdParams,
    })
    .post(
      "/admin/tokens/:id/revoke",
      async ({ me, cookie, params, body, ip, set }) => {
        if (body.confirm !== "yes") return confirmPage(pageContext(ctx, me, cookie), params.id);
        const { name } = await revokeToken(ctx, me, params.id, { ownerOnly: false, ip });
        return redirectWithFlash(ctx, set, cookie, "/admin/tokens", { kind: "ok", message: `Token "${name}" revoked.` });
      },
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: tokenIdParams, body: confirmForm },
    );
}
