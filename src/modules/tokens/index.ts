// Personal access token API: /auth/tokens (the signed-in person's own, session only) and
// /auth/admin/tokens (admins, every user's). The admin page lives in ./admin-pages.tsx.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { TOKEN_SCOPES, TOKEN_SCOPE_NAMES, type AdminToken, type CreatedToken, type ScopeInfo, type Token } from "../../shared/contract";
import { authGuard } from "../../http/auth-guard";
export { adminTokensPages } from "./admin-pages";
import { adminTokensQuery, createTokenBody, revokeByValueBody, tokenIdParams } from "./model";
import { revokerByValue } from "./revoke-by-value";
import { pageWindow } from "../../http/paging";
import { createToken, getOwnToken, listAdminTokens, listOwnTokens, revokeToken } from "./service";
import { rotateToken } from "./rotation";
import { mayRotateServiceToken } from "../service-accounts/service";

/** GET /auth/scopes: public, like the token format itself; the same list every time. */
const SCOPE_LIST: ScopeInfo[] = TOKEN_SCOPE_NAMES.map((name) => ({ name, description: TOKEN_SCOPES[name] }));

/** What anyone may call: the scope list, and revoking a leaked token by its value. */
function publicTokenRoutes(ctx: AppContext) {
  const revokeByValue = revokerByValue(ctx);
  return new Elysia({ name: "public-token-routes" })
    .use(authGuard(ctx))
    .post(
      "/auth/tokens/revoke",
      async ({ body, ip, set }) => {
        await revokeByValue(body.token, ip);
        set.status = 204;
        return "";
      },
      { clientIp: true, body: revokeByValueBody },
    )
    .get("/auth/scopes", (): ScopeInfo[] => SCOPE_LIST);
}

export function tokensApi(ctx: AppContext) {
  return new Elysia({ name: "tokens-api" })
    .use(authGuard(ctx))
    .use(publicTokenRoutes(ctx))
    .use(adminTokensApi(ctx))
    .post(
      "/auth/tokens",
      async ({ me, body, ip, set }): Promise<CreatedToken> => {
        const created = await createToken(
          ctx,
          me,
          { name: body.name, expiresInDays: body.expires_in_days, scopes: body.scopes, allowedCidrs: body.allowed_cidrs },
          ip,
        );
        set.status = 201;
        return created;
      },
      { auth: "user", clientIp: true, sessionOnly: true, body: createTokenBody },
    )
    .post(
      "/auth/tokens/:id/rotate",
      async ({ me, params, ip, set }): Promise<CreatedToken> => {
        const created = await rotateToken(ctx, me, params.id, ip, mayRotateServiceToken);
        set.status = 201;
        return created;
      },
      { auth: "user", clientIp: true, sessionOnly: true, params: tokenIdParams },
    )
    .get("/auth/tokens", ({ me }): Promise<Token[]> => listOwnTokens(ctx, me.user.id), { auth: "user", sessionOnly: true })
    .get("/auth/tokens/:id", ({ me, params }): Promise<Token> => getOwnToken(ctx, me.user.id, params.id), {
      auth: "user",
      sessionOnly: true,
      params: tokenIdParams,
    })
    .delete(
      "/auth/tokens/:id",
      async ({ me, params, ip, set }) => {
        await revokeToken(ctx, me, params.id, { ownerOnly: true, ip });
        set.status = 204;
        return "";
      },
      { auth: "user", clientIp: true, sessionOnly: true, params: tokenIdParams },
    );
}

/** Every user's tokens, for admins. */
function adminTokensApi(ctx: AppContext) {
  return new Elysia({ name: "admin-tokens-api" })
    .use(authGuard(ctx))
    .get(
      "/auth/admin/tokens",
      async ({ query, set }): Promise<AdminToken[]> => {
        const { tokens, total } = await listAdminTokens(ctx, { ...query, ...pageWindow(query.limit, query.offset) });
        set.headers["x-total-count"] = String(total);
        return tokens;
      },
      { auth: { role: "admin", scope: "users:read" }, query: adminTokensQuery },
    )
    .delete(
      "/auth/admin/tokens/:id",
      async ({ me, params, ip, set }) => {
        await revokeToken(ctx, me, params.id, { ownerOnly: false, ip });
        set.status = 204;
        return "";
      },
      { auth: { role: "admin", scope: "users:write" }, clientIp: true, params: tokenIdParams },
    );
}
