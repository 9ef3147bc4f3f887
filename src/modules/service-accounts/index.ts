// /api/service-accounts: admins make, change and delete service accounts and their tokens. Making a
// token needs a session (like /auth/tokens: a leaked token cannot mint others); reading and revoking
// work with a token that has the scope.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { adminCall } from "../users/service";
import type { CreatedToken, Token } from "../../shared/contract";
import type { ServiceAccount } from "../../shared/agents";
import { createToken, getOwnToken, listOwnTokens, revokeToken } from "../tokens/service";
import { createServiceAccountBody, createServiceTokenBody, serviceAccountParams, serviceTokenParams, updateServiceAccountBody } from "./model";
import { createServiceAccount, deleteServiceAccount, findServiceAccount, getServiceAccount, listServiceAccounts, updateServiceAccount } from "./service";

export { serviceAccountPages } from "./pages";

const READ = { role: "admin", scope: "users:read" } as const;
const WRITE = { role: "admin", scope: "users:write" } as const;

export function serviceAccountsApi(ctx: AppContext) {
  return new Elysia({ name: "service-accounts-api" })
    .use(authGuard(ctx))
    .use(serviceTokensApi(ctx))
    .get("/api/service-accounts", (): Promise<ServiceAccount[]> => listServiceAccounts(ctx), { auth: READ })
    .post(
      "/api/service-accounts",
      async ({ me, ip, body, set }): Promise<ServiceAccount> => {
        const created = await createServiceAccount(ctx, adminCall(me, ip), body);
        set.status = 201;
        return created;
      },
      { auth: WRITE, clientIp: true, body: createServiceAccountBody },
    )
    .get("/api/service-accounts/:id", ({ params }): Promise<ServiceAccount> => getServiceAccount(ctx, params.id), { auth: READ, params: serviceAccountParams })
    .patch("/api/service-accounts/:id", ({ me, ip, params, body }): Promise<ServiceAccount> => updateServiceAccount(ctx, adminCall(me, ip), params.id, body), {
      auth: WRITE,
      clientIp: true,
      params: serviceAccountParams,
      body: updateServiceAccountBody,
    })
    .delete(
      "/api/service-accounts/:id",
      async ({ me, ip, params, set }) => {
        await deleteServiceAccount(ctx, adminCall(me, ip), params.id);
        set.status = 204;
        return "";
      },
      { auth: WRITE, clientIp: true, params: serviceAccountParams },
    );
}

function serviceTokensApi(ctx: AppContext) {
  return new Elysia({ name: "service-account-tokens-api" })
    .use(authGuard(ctx))
    .post(
      "/api/service-accounts/:id/tokens",
      async ({ me, ip, params, body, set }): Promise<CreatedToken> => {
        const owner = (await findServiceAccount(ctx.db, params.id)).id;
        const created = await createToken(
          ctx,
          me,
          { name: body.name, expiresInDays: body.expires_in_days, scopes: body.scopes, allowedCidrs: body.allowed_cidrs, owner },
          ip,
        );
        set.status = 201;
        return created;
      },
      { auth: WRITE, sessionOnly: "create tokens", clientIp: true, params: serviceAccountParams, body: createServiceTokenBody },
    )
    .get("/api/service-accounts/:id/tokens", async ({ params }): Promise<Token[]> => listOwnTokens(ctx, (await findServiceAccount(ctx.db, params.id)).id), {
      auth: READ,
      params: serviceAccountParams,
    })
    .delete(
      "/api/service-accounts/:id/tokens/:token_id",
      async ({ me, ip, params, set }) => {
        const owner = (await findServiceAccount(ctx.db, params.id)).id;
        await getOwnToken(ctx, owner, params.token_id);
        await revokeToken(ctx, me, params.token_id, { ownerOnly: false, ip });
        set.status = 204;
        return "";
      },
      { auth: WRITE, clientIp: true, params: serviceTokenParams },
    );
}
