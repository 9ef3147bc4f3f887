// createApp: the one place that lists every route group the server has.
import { type AnyElysia, Elysia } from "elysia";
import { html } from "@elysiajs/html";
import type { AppContext } from "./context";
import { errorHandler, refusalResponder } from "./http/error-handler";
import { frontDoor } from "./http/front-door";
import { parseBody } from "./http/request-body";
import { fixedHeaders, fixedHeadersOnResponses, pageHeaders } from "./http/security-headers";
import { accountsApi, passwordChangePages, setupPages, signInPages } from "./modules/accounts";
import { systemApi, systemPages } from "./modules/system";
import { userChangeForms, userPasswordForms, usersApi, usersPages } from "./modules/users";
import { auditModule } from "./modules/audit";
import { forgotDesk, forgotPages, passwordResetModule } from "./modules/password-reset";
import { adminTokensPages, tokensApi } from "./modules/tokens";
import { profileModule } from "./modules/profile";
import { mfaProfilePages, passkeyRoutes, secondStepPages, webauthnScripts } from "./modules/mfa";
import { distributionModule } from "./modules/distribution";
import { identitiesApi, identityForms, ssoModule } from "./modules/sso";
import { backupsModule } from "./modules/backups";
import { cliAuthModule } from "./modules/cli-auth";
import { metricsModule } from "./modules/metrics";
import { dataApi, dataPages } from "./modules/data";
import { groupsApi, groupsPages } from "./modules/groups";
import { serviceAccountPages, serviceAccountsApi } from "./modules/service-accounts";
import { readyModule } from "./modules/system/ready";
import { invitationForms, invitationsApi, invitePages } from "./modules/invitations";
import { oauthApi, oauthPages } from "./modules/oauth";
import { AuthorizationCodes } from "./modules/oauth/codes";
import { mcpModule } from "./modules/mcp";
import { ErrorPage } from "../views/system/error-page";

// Typed as any Elysia app: nothing reads the routes' types from the whole app, and with every
// module's routes chained here TypeScript gives up on the full type ("excessively deep").
export function createApp(ctx: AppContext): AnyElysia {
  const headers = fixedHeaders(ctx.config.cliMinVersion);
  const pages = { renderErrorPage: ErrorPage };
  const codes = new AuthorizationCodes(ctx.clock);
  // Elysia by default assumes a host of at least 4 characters when it cuts the path out of the URL;
  // a Host like `ab` (a valid name) would then route `/q/api/users` to /api/users.
  const base = new Elysia({ handler: { standardHostname: false } })
    .use(errorHandler(ctx, pages, headers))
    .use(fixedHeadersOnResponses(headers))
    // Routes come in three groups, because Elysia applies a hook only to routes registered after it:
    // 1. reads that never take a body or render a page (health checks, /ready, /metrics): no body
    //    parser, so their handlers stay synchronous (test/http/body-routes.test.ts keeps them
    //    free of routes with a body);
    .use(systemApi(ctx))
    .use(readyModule(ctx))
    .use(metricsModule(ctx))
    // 2. the JSON APIs `da` and CI call, behind the one body parser (limits per route) but before
    //    the HTML plugin's step;
    .onParse({ as: "global" }, ({ request, contentType }) => parseBody(request, contentType));
  // 3. pages and forms, with the headers only a page needs.
  const app = withPages(withApis(base, ctx, codes).use(html()).use(pageHeaders()), ctx, codes);
  withoutBodyParserOnReads(app);
  return app.wrap(frontDoor(ctx, refusalResponder(ctx, pages, headers), () => app.routes, headers));
}

/**
 * Elysia composes a route as an async function whenever a parse hook applies to it, a GET included,
 * although it never reads a GET's body; and a promise costs a cheap read about a fifth of its time on
 * the real server (bench:auth). So the body parser, global to the routes after it, is taken off the
 * GET and HEAD routes before anything is compiled (test/http/synchronous-reads.test.ts).
 */
function withoutBodyParserOnReads(app: AnyElysia): void {
  for (const route of app.routes) if (route.method === "GET" || route.method === "HEAD") delete route.hooks.parse;
}

function withApis(app: AnyElysia, ctx: AppContext, codes: AuthorizationCodes): AnyElysia {
  return app
    .use(accountsApi(ctx))
    .use(usersApi(ctx))
    .use(identitiesApi(ctx))
    .use(invitationsApi(ctx))
    .use(tokensApi(ctx))
    .use(dataApi(ctx))
    .use(groupsApi(ctx))
    .use(serviceAccountsApi(ctx))
    .use(oauthApi(ctx, codes))
    .use(mcpModule(ctx));
}

function withPages(app: AnyElysia, ctx: AppContext, codes: AuthorizationCodes): AnyElysia {
  return app
    .use(systemPages(ctx))
    .use(signInPages(ctx))
    .use(secondStepPages(ctx))
    .use(setupPages(ctx))
    .use(passwordChangePages(ctx))
    .use(usersPages(ctx))
    .use(userChangeForms(ctx))
    .use(userPasswordForms(ctx))
    .use(identityForms(ctx))
    .use(invitationForms(ctx))
    .use(invitePages(ctx))
    .use(adminTokensPages(ctx))
    .use(auditModule(ctx))
    .use(passwordResetModule(ctx))
    .use(forgotPages(ctx, forgotDesk(ctx)))
    .use(profileModule(ctx))
    .use(mfaProfilePages(ctx))
    .use(passkeyRoutes(ctx))
    .use(webauthnScripts())
    .use(distributionModule(ctx))
    .use(ssoModule(ctx))
    .use(backupsModule(ctx))
    .use(dataPages(ctx))
    .use(groupsPages(ctx))
    .use(serviceAccountPages(ctx))
    .use(cliAuthModule(ctx))
    .use(oauthPages(ctx, codes));
}
