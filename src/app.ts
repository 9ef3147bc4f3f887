// createApp: the one place that lists every route group the server has.
import { Elysia } from "elysia";
import { html } from "@elysiajs/html";
import type { AppContext } from "./context";
import { assertSameSite } from "./http/csrf";
import { errorHandler } from "./http/error-handler";
import { BadRequest } from "./http/errors";
import { contained } from "./http/contained";
import { hasValidHost } from "./http/request-url";
import { parseBody } from "./http/request-body";
import { SECURITY_HEADERS } from "./http/security-headers";
import { CLI_MIN_VERSION_HEADER } from "./shared/contract";
import { accountsApi, setupPages, signInPages } from "./modules/accounts";
import { systemApi, systemPages } from "./modules/system";
import { userChangeForms, userPasswordForms, usersApi, usersPages } from "./modules/users";
import { auditModule } from "./modules/audit";
import { passwordResetModule } from "./modules/password-reset";
import { adminTokensPages, tokensApi } from "./modules/tokens";
import { profileModule } from "./modules/profile";
import { distributionModule } from "./modules/distribution";
import { ssoModule } from "./modules/sso";
import { backupsModule } from "./modules/backups";
import { cliAuthModule } from "./modules/cli-auth";
import { metricsModule } from "./modules/metrics";
import { readyModule } from "./modules/system/ready";
import { ErrorPage } from "../views/system/error-page";

type Timed = { startedAt?: number; route?: string };

export function createApp(ctx: AppContext) {
  const logRequest = contained(ctx.log, "request.log", (method: string, path: string, status: unknown, startedAt: number | undefined, route: string | undefined) => {
    const code = typeof status === "number" ? status : 200;
    const ms = startedAt === undefined ? null : performance.now() - startedAt;
    ctx.log.info("request", { method, path, status: code, ms: ms === null ? null : Math.round(ms * 10) / 10 });
    ctx.metrics.observeRequest(method, route, code, ms === null ? 0 : ms / 1000);
  });
  return new Elysia()
    .use(errorHandler(ctx, { renderErrorPage: ErrorPage }))
    // Fixed headers on every response, among them the oldest `da` this server serves.
    .headers({ ...SECURITY_HEADERS, [CLI_MIN_VERSION_HEADER]: ctx.config.cliMinVersion })
    .onRequest((c) => {
      (c as Timed).startedAt = performance.now();
      if (!hasValidHost(c.request)) throw new BadRequest("The Host header is not a valid host[:port]");
      assertSameSite(c.request, ctx.config);
    })
    .onParse({ as: "global" }, ({ request, contentType }) => parseBody(request, contentType))
    .onAfterResponse({ as: "global" }, (c) => logRequest(c.request.method, c.path, c.set.status, (c as Timed).startedAt, (c as Timed).route))
    // Routes that never render a page come first: the HTML plugin adds a step to every request of
    // each route registered after it (Elysia applies a hook only to later routes), and the busiest
    // routes — health checks, `da`'s and CI's API calls — should not pay for it.
    .use(systemApi(ctx))
    .use(readyModule(ctx))
    .use(metricsModule(ctx))
    .use(accountsApi(ctx))
    .use(usersApi(ctx))
    .use(tokensApi(ctx))
    .use(html())
    .use(systemPages(ctx))
    .use(signInPages(ctx))
    .use(setupPages(ctx))
    .use(usersPages(ctx))
    .use(userChangeForms(ctx))
    .use(userPasswordForms(ctx))
    .use(adminTokensPages(ctx))
    .use(auditModule(ctx))
    .use(passwordResetModule(ctx))
    .use(profileModule(ctx))
    .use(distributionModule(ctx))
    .use(ssoModule(ctx))
    .use(backupsModule(ctx))
    .use(cliAuthModule(ctx));
}

export type App = ReturnType<typeof createApp>;
