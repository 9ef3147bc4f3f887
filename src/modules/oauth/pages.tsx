// The pages of the OAuth server: the consent page (GET/POST /oauth/authorize), the connected apps
// forms on /profile, and /admin/oauth-clients. A person must be signed in with a browser session
// (the guard sends everyone else to /login and back); the consent form is a CSRF-checked POST that
// works without JavaScript, and every value it carries is checked again when it comes back.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { authGuard } from "../../http/auth-guard";
import { formAction, pageContext } from "../../http/page";
import { Forbidden } from "../../shared/errors";
import { ConsentPage } from "../../../views/oauth/consent-page";
import { AdminClientsPage } from "../../../views/oauth/admin-clients-page";
import { checkAuthorizationRequest, redirectWith, type AuthorizationRequest } from "./authorize";
import { assertMayRegister, findOAuthClient, listOAuthClients, registerClient, removeOAuthClient } from "./clients";
import type { AuthorizationCodes } from "./codes";
import { listConnectedApps, revokeConnectedApp } from "./grants";
import { baseUrl, resourceOf } from "./metadata";
import {
  adminRegisterForm,
  authorizeParams,
  clientIdParams,
  consentForm,
  grantIdParams,
  type OAUTH_SCOPES,
  scopeField,
  type AuthorizeParams,
  type ConsentForm,
} from "./model";
import { redirectHost } from "./redirect-uris";
import { PAGE_HEADERS } from "../../http/security-headers";
import { confirmForm, confirmPath, unconfirmed } from "../../http/confirm-form";
import { oauthConfirmPages } from "./confirm-pages";

// The consent form's POST is answered with a redirect to the client; Chromium applies form-action
// to that redirect too, so the page allows the client's redirect origin (or app scheme) as well.
function cspAllowingRedirect(redirectUri: string): string {
  const url = new URL(redirectUri);
  const source = url.protocol === "http:" || url.protocol === "https:" ? url.origin : url.protocol;
  return PAGE_HEADERS["content-security-policy"]!.replace("form-action 'self'", `form-action 'self' ${source}`);
}

const SCOPE_MEANINGS: Record<(typeof OAUTH_SCOPES)[number], string> = {
  "profile:read": "see your name, email and role",
  sync: "list the datasets you may read, their columns and sample rows",
  query: "run read-only SQL queries on the datasets you may read",
};

const browserSession = () => ({ auth: "user" as const, sessionOnly: true });

function assertBrowser(me: Principal): string {
  if (me.via !== "session" || !me.fromCookie || me.sessionKind !== "browser" || !me.sessionId) {
    throw new Forbidden("Connecting an app needs you signed in in this browser");
  }
  return me.sessionId;
}

type Set = { status?: number | string; headers: Record<string, string | number> };

function sendBack(set: Set, location: string): string {
  set.status = 303;
  set.headers.location = location;
  return "";
}

/** Runs a check of the request; an invalid one is a 400 page (authorize.ts says why never a redirect). */
async function withRequest(ctx: AppContext, request: Request, params: AuthorizeParams, then: (req: AuthorizationRequest) => unknown) {
  const client = params.client_id ? await findOAuthClient(ctx, params.client_id) : null;
  return then(checkAuthorizationRequest(client, params, resourceOf(baseUrl(ctx, request))));
}

function carried(params: AuthorizeParams): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of Object.keys(authorizeParams.shape) as (keyof AuthorizeParams)[]) if (params[name] !== undefined) fields[name] = params[name]!;
  return fields;
}

async function decide(ctx: AppContext, codes: AuthorizationCodes, me: Principal, req: AuthorizationRequest, form: ConsentForm, ip: string | null, iss: string) {
  const sessionId = assertBrowser(me);
  const scopes = req.scopes.filter((scope) => form[scopeField(scope)] === "on");
  if (form.decision === "deny" || scopes.length === 0) {
    await ctx.audit.record(ctx.db, {
      actor: { id: me.user.id, email: me.user.email },
      action: "oauth.denied",
      params: { client_id: req.client.id, client_name: req.client.name },
      ip,
    });
    return redirectWith(req.redirectUri, { error: "access_denied", error_description: "The person did not allow access", state: req.state, iss });
  }
  const code = codes.issue({
    clientId: req.client.id,
    redirectUri: req.redirectUri,
    codeChallenge: req.codeChallenge,
    resource: req.resource,
    scopes,
    userId: me.user.id,
    sessionId,
  });
  return redirectWith(req.redirectUri, { code, state: req.state, iss });
}

export function oauthPages(ctx: AppContext, codes: AuthorizationCodes) {
  return new Elysia({ name: "oauth-pages" })
    .use(authGuard(ctx))
    .get(
      "/oauth/authorize",
      ({ me, query, request, set, cookie }) =>
        withRequest(ctx, request, query, (req) => {
          assertBrowser(me);
          set.headers["content-security-policy"] = cspAllowingRedirect(req.redirectUri);
          const scopes = req.scopes.map((name) => ({ name, field: scopeField(name), meaning: SCOPE_MEANINGS[name] }));
          const page = pageContext(ctx, me, cookie);
          return <ConsentPage page={page} clientName={req.client.name} redirectHost={redirectHost(req.redirectUri)} scopes={scopes} request={carried(query)} />;
        }),
      { ...browserSession(), query: authorizeParams },
    )
    .post(
      "/oauth/authorize",
      ({ me, body, request, set, ip }) =>
        withRequest(ctx, request, body, async (req) => sendBack(set, await decide(ctx, codes, me, req, body, ip, baseUrl(ctx, request)))),
      { ...browserSession(), clientIp: true, body: consentForm },
    )
    .post(
      "/profile/connected-apps/:id/revoke",
      ({ me, params, ip, set, cookie, body }) =>
        unconfirmed(body, set, confirmPath(`/profile/connected-apps/${encodeURIComponent(params.id)}/revoke`)) ??
        formAction(ctx, { set, cookie }, "/profile#connected-apps", async () => {
          await revokeConnectedApp(ctx, me, params.id, ip);
          return "App disconnected. It is refused from now on.";
        }),
      { ...browserSession(), clientIp: true, params: grantIdParams, body: confirmForm },
    )
    .use(adminPages(ctx));
}

function adminPages(ctx: AppContext) {
  const admin = () => ({ auth: "admin" as const, sessionOnly: true });
  return new Elysia({ name: "oauth-admin-pages" })
    .use(authGuard(ctx))
    .use(oauthConfirmPages(ctx))
    .get(
      "/admin/oauth-clients",
      async ({ me, cookie }) => {
        const [clients, apps] = await Promise.all([listOAuthClients(ctx), listConnectedApps(ctx, null)]);
        const registration = ctx.config.oauth.registration;
        return (
          <AdminClientsPage
            page={pageContext(ctx, me, cookie)}
            clients={clients}
            apps={apps}
            registration={registration}
            canRegister={registration !== "off"}
          />
        );
      },
      admin(),
    )
    .use(adminRegistration(ctx))
    .post(
      "/admin/oauth-clients/:id/delete",
      ({ me, params, ip, set, cookie, body }) =>
        unconfirmed(body, set, confirmPath(`/admin/oauth-clients/${encodeURIComponent(params.id)}/delete`)) ??
        formAction(ctx, { set, cookie }, "/admin/oauth-clients", async () =>
          (await removeOAuthClient(ctx, me, params.id, ip)) ? "Client removed; its grants ended." : "No such client.",
        ),
      { ...admin(), clientIp: true, params: clientIdParams, body: confirmForm },
    )
    .post(
      "/admin/oauth-clients/grants/:id/revoke",
      ({ me, params, ip, set, cookie, body }) =>
        unconfirmed(body, set, confirmPath(`/admin/oauth-clients/grants/${encodeURIComponent(params.id)}/revoke`)) ??
        formAction(ctx, { set, cookie }, "/admin/oauth-clients#grants", async () => {
          await revokeConnectedApp(ctx, me, params.id, ip);
          return "Connected app revoked.";
        }),
      { ...admin(), clientIp: true, params: grantIdParams, body: confirmForm },
    );
}

/** An admin registers a client by hand (the only way when OAUTH_REGISTRATION=admin). */
function adminRegistration(ctx: AppContext) {
  return new Elysia({ name: "oauth-admin-register" }).use(authGuard(ctx)).post(
    "/admin/oauth-clients",
    ({ me, body, ip, set, cookie }) =>
      formAction(ctx, { set, cookie }, "/admin/oauth-clients", async () => {
        const via = assertMayRegister(ctx, me);
        const redirectUris = (body.redirect_uris ?? "")
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter(Boolean);
        const client = await registerClient(ctx, { client_name: body.client_name, redirect_uris: redirectUris }, { me, ip, via });
        return `Client "${client.client_name}" registered: client_id ${client.client_id}`;
      }),
    { auth: "admin", sessionOnly: true, clientIp: true, body: adminRegisterForm },
  );
}
