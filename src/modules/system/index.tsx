// Health, version, the start page, the dashboard and static assets.
import { Elysia } from "elysia";
import { join } from "node:path";
import type { AppContext } from "../../context";
import type { Health, VersionInfo } from "../../shared/contract";
import { authGuard } from "../../http/auth-guard";
import { NotFound } from "../../shared/errors";
import { pageContext } from "../../http/page";
import { DashboardPage } from "../../../views/system/dashboard-page";

const PUBLIC_DIR = join(import.meta.dir, "../../../public");
// A Map, not an object literal: `/static/__proto__` must find nothing, not Object.prototype.
const STATIC_FILES = new Map([
  ["app.css", "text/css; charset=utf-8"],
  ["app.js", "text/javascript; charset=utf-8"],
]);

/** Health, version and static assets: nothing here renders a page. */
export function systemApi(ctx: AppContext) {
  return new Elysia({ name: "system-api" })
    .get("/health", (): Health => ({ status: "ok", version: ctx.version }))
    .get("/api/version", (): VersionInfo => ({ version: ctx.version, commit: ctx.commit }))
    .get("/static/:file", ({ params, set }) => {
      const type = STATIC_FILES.get(params.file);
      if (!type) throw new NotFound();
      set.headers["content-type"] = type;
      set.headers["cache-control"] = "public, max-age=3600";
      return Bun.file(join(PUBLIC_DIR, params.file));
    });
}

export function systemPages(ctx: AppContext) {
  return new Elysia({ name: "system-pages" })
    .use(authGuard(ctx))
    .get(
      "/",
      ({ principal, set }) => {
        set.status = 302;
        set.headers.location = principal ? "/dashboard" : "/login";
        return "";
      },
      { principal: true },
    )
    .get("/dashboard", ({ me, cookie }) => <DashboardPage page={pageContext(ctx, me, cookie)} principal={me} />, {
      auth: { role: "user", scope: "profile:read" },
    });
}
