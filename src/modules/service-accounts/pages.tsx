// /admin/service-accounts: the list (create, deactivate, delete with a confirmation step) and one
// account's page (its tokens: create, shown once; revoke with a confirmation step). Forms answer
// POST → 303 → GET with a flash; a new token goes through the one-time reveal, bound to the session.
import { Elysia } from "elysia";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { authGuard } from "../../http/auth-guard";
import { confirmForm } from "../../http/confirm-form";
import { formAction, pageContext, type PageContext } from "../../http/page";
import { adminCall } from "../users/service";
import { createToken, getOwnToken, lifetimeFromForm, lifetimeOptions, listOwnTokens, revokeToken } from "../tokens/service";
import { cidrsFromForm, createTokenForm, scopesFromForm } from "../tokens/token-form";
import { ServiceAccountsPage } from "../../../views/service-accounts/service-accounts-page";
import { ServiceAccountPage } from "../../../views/service-accounts/service-account-page";
import { ConfirmPage } from "../../../views/ui/confirm-page";
import { createServiceAccount, deleteServiceAccount, getServiceAccount, listServiceAccounts, updateServiceAccount } from "./service";
import { serviceAccountParams, serviceTokenParams } from "./model";

const LIST = "/admin/service-accounts";
const READ = { role: "admin", scope: "users:read" } as const;
const WRITE = { role: "admin", scope: "users:write" } as const;
const accountForm = z.object({
  _csrf: z.string().optional(),
  name: z.string().max(1000).optional(),
  description: z.string().max(5000).optional(),
  role: z.string().max(40).optional(),
});
const csrfOnly = z.object({ _csrf: z.string().optional() });
const at = (id: string) => `${LIST}/${encodeURIComponent(id)}`;

async function accountPage(ctx: AppContext, page: PageContext, me: Principal, id: string) {
  const account = await getServiceAccount(ctx, id);
  const revealed = me.sessionId ? ctx.reveals.take(me.sessionId, page.flash?.reveal) : null;
  const tokens = await listOwnTokens(ctx, account.id);
  return <ServiceAccountPage page={page} account={account} tokens={tokens} revealed={revealed} lifetimes={lifetimeOptions(ctx)} now={ctx.clock.now()} />;
}

async function deletePage(ctx: AppContext, page: PageContext, id: string) {
  const account = await getServiceAccount(ctx, id);
  const question = `Its ${account.token_count} working token(s) stop at once, and the account is gone for good.`;
  const details: [string, string][] = [
    ["Name", account.name],
    ["Role", account.role],
  ];
  return (
    <ConfirmPage
      page={page}
      title="Delete service account"
      question={question}
      details={details}
      action={`${at(id)}/delete`}
      confirmLabel="Delete"
      cancelHref={LIST}
      section="service-accounts"
    />
  );
}

async function revokePage(ctx: AppContext, page: PageContext, id: string, tokenId: string) {
  const token = await getOwnToken(ctx, (await getServiceAccount(ctx, id)).id, tokenId);
  const details: [string, string][] = [
    ["Name", token.name],
    ["Prefix", token.prefix],
  ];
  const question = "Anything using this token will get 401 from its next request. This cannot be undone.";
  return (
    <ConfirmPage
      page={page}
      title="Revoke token"
      question={question}
      details={details}
      action={`${at(id)}/tokens/${encodeURIComponent(tokenId)}/revoke`}
      confirmLabel="Revoke token"
      cancelHref={at(id)}
      section="service-accounts"
    />
  );
}

export function serviceAccountPages(ctx: AppContext) {
  return new Elysia({ name: "service-account-pages" })
    .use(authGuard(ctx))
    .use(serviceAccountTokenForms(ctx))
    .get(LIST, async ({ me, cookie }) => <ServiceAccountsPage page={pageContext(ctx, me, cookie)} accounts={await listServiceAccounts(ctx)} />, { auth: READ })
    .post(
      LIST,
      ({ me, ip, body, set, cookie }) =>
        formAction(ctx, { set, cookie }, LIST, async () => {
          const account = await createServiceAccount(ctx, adminCall(me, ip), { name: body.name ?? "", description: body.description, role: body.role });
          return `Service account "${account.name}" created: open it to give it a token.`;
        }),
      { auth: WRITE, clientIp: true, body: accountForm },
    )
    .get(`${LIST}/:id`, ({ me, cookie, params }) => accountPage(ctx, pageContext(ctx, me, cookie), me, params.id), { auth: READ, params: serviceAccountParams })
    .post(
      `${LIST}/:id/:change`,
      ({ me, ip, params, set, cookie }) =>
        formAction(ctx, { set, cookie }, LIST, async () => {
          const account = await updateServiceAccount(ctx, adminCall(me, ip), params.id, { active: params.change === "activate" });
          return `Service account "${account.name}" ${account.active ? "activated" : "deactivated: its tokens are refused from now on"}.`;
        }),
      { auth: WRITE, clientIp: true, params: z.object({ id: z.string().max(100), change: z.enum(["activate", "deactivate"]) }), body: csrfOnly },
    )
    .get(`${LIST}/:id/delete`, ({ me, cookie, params }) => deletePage(ctx, pageContext(ctx, me, cookie), params.id), {
      auth: WRITE,
      params: serviceAccountParams,
    })
    .post(
      `${LIST}/:id/delete`,
      ({ me, ip, cookie, params, body, set }) => {
        if (body.confirm !== "yes") return deletePage(ctx, pageContext(ctx, me, cookie), params.id);
        return formAction(ctx, { set, cookie }, LIST, async () => {
          await deleteServiceAccount(ctx, adminCall(me, ip), params.id);
          return "Service account deleted; its tokens no longer work.";
        });
      },
      { auth: WRITE, clientIp: true, params: serviceAccountParams, body: confirmForm },
    );
}

function serviceAccountTokenForms(ctx: AppContext) {
  return new Elysia({ name: "service-account-token-forms" })
    .use(authGuard(ctx))
    .post(
      `${LIST}/:id/tokens`,
      ({ me, ip, params, body, set, cookie }) =>
        formAction(ctx, { set, cookie }, `${at(params.id)}#tokens`, async () => {
          const owner = (await getServiceAccount(ctx, params.id)).id;
          const input = {
            name: body.name ?? "",
            expiresInDays: lifetimeFromForm(body.expires_in_days),
            scopes: scopesFromForm(body),
            allowedCidrs: cidrsFromForm(body.allowed_cidrs),
            owner,
          };
          const created = await createToken(ctx, me, input, ip);
          const reveal = ctx.reveals.put(me.sessionId!, me.user.id, created.token);
          return { kind: "ok", message: `Token "${created.name}" created.`, reveal };
        }),
      { auth: WRITE, sessionOnly: "create tokens", clientIp: true, params: serviceAccountParams, body: createTokenForm },
    )
    .get(`${LIST}/:id/tokens/:token_id/revoke`, ({ me, cookie, params }) => revokePage(ctx, pageContext(ctx, me, cookie), params.id, params.token_id), {
      auth: WRITE,
      params: serviceTokenParams,
    })
    .post(
      `${LIST}/:id/tokens/:token_id/revoke`,
      ({ me, ip, cookie, params, body, set }) => {
        if (body.confirm !== "yes") return revokePage(ctx, pageContext(ctx, me, cookie), params.id, params.token_id);
        return formAction(ctx, { set, cookie }, `${at(params.id)}#tokens`, async () => {
          await getOwnToken(ctx, (await getServiceAccount(ctx, params.id)).id, params.token_id);
          const { name } = await revokeToken(ctx, me, params.token_id, { ownerOnly: false, ip });
          return `Token "${name}" revoked.`;
        });
      },
      { auth: WRITE, clientIp: true, params: serviceTokenParams, body: confirmForm },
    );
}
