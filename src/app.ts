// createApp: the one place that lists every route group the server has.
import { Elysia } from "elysia";
import { html } from "@elysiajs/html";
import type { AppContext } from "./context";
import { errorHandler, refusalResponder } from "./http/error-handler";
import { frontDoor } from "./http/front-door";
import { parseBody } from "./http/request-body";
import { fixedHeaders, fixedHeadersOnResponses, pageHeaders } from "./http/security-headers";
import { accountsApi, setupPages, signInPages } from "./modules/accounts";
import { systemApi, systemPages } from "./modules/system";
import { userChangeForms, userPasswordForms, usersApi, usersPages } from "./modules/users";
import { auditModule } from "./modules/audit";
import { passwordResetModule } from "./modules/password-reset";
import { adminTokensPages, tokensApi } from "./modules/tokens";
import { profileModule } from "./modules/profile";
import { distributionModule } from "./modules/distribution";
import { identitiesApi, identityForms, ssoModule } from "./modules/sso";
import { backupsModule } from "./modules/backups";
import { cliAuthModule } from "./modules/cli-auth";
import { metricsModule } from "./modules/metrics";
import { dataApi, dataPages } from "./modules/data";
import { readyModule } from "./modules/system/ready";
import { oauthApi, oauthPages } from "./modules/oauth";
import { AuthorizationCodes } from "./modules/oauth/codes";
import { mcpModule } from "./modules/mcp";
import { ErrorPage } from "../views/system/error-page";

export function createApp(ctx: AppContext) {
  const headers = fixedHeaders(ctx.config.cliMinVersion);
  const pages = { renderErrorPage: ErrorPage };
  const codes = new AuthorizationCodes(ctx.clock);
  // Elysia by default assumes a host of at least 4 characters when it cuts the path out of the URL;
  // a Host like `ab` (a valid name) would then route `/q/api/users` to /api/users.
  const app = new Elysia({ handler: { standardHostname: false } })
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
    .onParse({ as: "global" }, ({ request, contentType }) => parseBody(request, contentType))
    .use(accountsApi(ctx))
    .use(usersApi(ctx))
    .use(identitiesApi(ctx))
    .use(tokensApi(ctx))
    .use(dataApi(ctx))
    .use(oauthApi(ctx, codes))
    .use(mcpModule(ctx))
    // 3. pages and forms, with the headers only a page needs.
    .use(html())
    .use(pageHeaders())
    .use(systemPages(ctx))
    .use(signInPages(ctx))
    .use(setupPages(ctx))
    .use(usersPages(ctx))
    .use(userChangeForms(ctx))
    .use(userPasswordForms(ctx))
    .use(identityForms(ctx))
    .use(adminTokensPages(ctx))
    .use(auditModule(ctx))
    .use(passwordResetModule(ctx))
    .use(profileModule(ctx))
    .use(distributionModule(ctx))
    .use(ssoModule(ctx))
    .use(backupsModule(ctx))
    .use(dataPages(ctx))
    .use(cliAuthModule(ctx))
    .use(oauthPages(ctx, codes));
  return app.wrap(frontDoor(ctx, refusalResponder(ctx, pages, headers), () => app.routes));
}
