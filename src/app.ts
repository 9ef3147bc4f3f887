// createApp: the one place that lists every route group the server has.
import { Elysia } from "elysia";
import { html } from "@elysiajs/html";
import type { AppContext } from "./context";
import { assertSameSite } from "./http/csrf";
import { errorHandler } from "./http/error-handler";
import { BadRequest } from "./http/errors";
import { contained } from "./http/contained";
import { hasValidHost, requestUrl } from "./http/request-url";
import { parseBody } from "./http/request-body";
import { SECURITY_HEADERS } from "./http/security-headers";
import { accountsModule } from "./modules/accounts";
import { systemModule } from "./modules/system";
import { usersModule } from "./modules/users";
import { auditModule } from "./modules/audit";
import { passwordResetModule } from "./modules/password-reset";
import { tokensModule } from "./modules/tokens";
import { profileModule } from "./modules/profile";
import { distributionModule } from "./modules/distribution";
import { ssoModule } from "./modules/sso";

export function createApp(ctx: AppContext) {
  const started = new WeakMap<Request, number>();
  const logRequest = contained(ctx.log, "request.log", (request: Request, status: unknown) => {
    const begun = started.get(request);
    ctx.log.info("request", {
      method: request.method,
      path: requestUrl(request).pathname,
      status: typeof status === "number" ? status : 200,
      ms: begun === undefined ? null : Math.round((performance.now() - begun) * 10) / 10,
    });
  });
  return new Elysia()
    .use(errorHandler(ctx))
    .use(html())
    .headers(SECURITY_HEADERS)
    .onRequest(({ request }) => {
      started.set(request, performance.now());
      if (!hasValidHost(request)) throw new BadRequest("The Host header is not a valid host[:port]");
      assertSameSite(request, ctx.config);
    })
    .onParse({ as: "global" }, ({ request, contentType }) => parseBody(request, contentType))
    .onAfterResponse({ as: "global" }, ({ request, set }) => logRequest(request, set.status))
    .use(systemModule(ctx))
    .use(accountsModule(ctx))
    .use(usersModule(ctx))
    .use(auditModule(ctx))
    .use(passwordResetModule(ctx))
    .use(tokensModule(ctx))
    .use(profileModule(ctx))
    .use(distributionModule(ctx))
    .use(ssoModule(ctx));
}

export type App = ReturnType<typeof createApp>;
