// Health, version, the start page, the dashboard and static assets.
import { Elysia } from "elysia";
import { join } from "node:path";
import type { AppContext } from "../../context";
import type { Health, VersionInfo } from "../../shared/contract";
import { authGuard } from "../../http/auth-guard";
import { NotFound } from "../../shared/errors";
import { pageContext, type PageContext } from "../../http/page";
import type { Principal } from "../../auth/principal";
import { z } from "zod";
import { activityStats } from "../audit/stats";
import { scopeAllows } from "../../auth/scopes";
import { describeEntries } from "../audit/readable";
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

const RECENT_OWN_ENTRIES = 10;

/** Everyone sees their own latest audit entries; admins also the activity charts. Reads only. */
async function dashboard(ctx: AppContext, me: Principal, page: PageContext, days: number) {
  const [stats, own] = await Promise.all([
    // The charts are what GET /api/stats/activity answers: a token without audit:read does not see them here either.
    page.isAdmin && scopeAllows(me.scopes, "audit:read") ? activityStats(ctx, days) : null,
    ctx.audit.list(ctx.db, { person: { id: me.user.id, email: me.user.email }, limit: RECENT_OWN_ENTRIES, offset: 0 }),
  ]);
  return <DashboardPage page={page} principal={me} stats={stats} recent={describeEntries(ctx, own.entries)} />;
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
    .get("/dashboard", ({ me, cookie, query }) => dashboard(ctx, me, pageContext(ctx, me, cookie), query.days === "30" ? 30 : 14), {
      auth: { role: "user", scope: "profile:read" },
      query: z.object({ days: z.string().max(10).optional() }),
    });
}
