// createApp: the one place that lists every route group the server has.
import { Elysia } from "elysia";
import { html } from "@elysiajs/html";
import type { AppContext } from "./context";
import { assertSameSite } from "./http/csrf";
import { errorHandler } from "./http/error-handler";
import { SECURITY_HEADERS } from "./http/security-headers";
import { accountsModule } from "./modules/accounts";
import { systemModule } from "./modules/system";
import { usersModule } from "./modules/users";
import { auditModule } from "./modules/audit";
import { passwordResetModule } from "./modules/password-reset";
import { tokensModule } from "./modules/tokens";
import { profileModule } from "./modules/profile";
import { distributionModule } from "./modules/distribution";
import { requestUrl } from "./http/request-url";

export function createApp(ctx: AppContext) {
  const started = new WeakMap<Request, number>();
  return new Elysia()
    .use(errorHandler(ctx))
    .use(html())
    .onRequest(({ request, set }) => {
      started.set(request, performance.now());
      Object.assign(set.headers, SECURITY_HEADERS);
      assertSameSite(request, ctx.config);
    })
    .onAfterResponse({ as: "global" }, ({ request, set }) => {
      const begun = started.get(request);
      ctx.log.info("request", {
        method: request.method,
        path: requestUrl(request).pathname,
        status: typeof set.status === "number" ? set.status : 200,
        ms: begun === undefined ? null : Math.round((performance.now() - begun) * 10) / 10,
      });
    })
    .use(systemModule(ctx))
    .use(accountsModule(ctx))
    .use(usersModule(ctx))
    .use(auditModule(ctx))
    .use(passwordResetModule(ctx))
    .use(tokensModule(ctx))
    .use(profileModule(ctx))
    .use(distributionModule(ctx));
}

export type App = ReturnType<typeof createApp>;
