// The audit trail for admins: GET /api/audit (JSON, total in X-Total-Count) and the /admin/audit page.
// Newest first; filters: actor (id or email), action (exact, or a prefix ending in "." such as
// "user."), target (a user or token id).
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import type { AuditEntry } from "../../shared/contract";
import { authGuard } from "../../http/auth-guard";
import { pageContext } from "../../http/page";
import { AdminAuditPage } from "../../../views/audit/audit-page";
import { pageWindow, pageWindowOf } from "../../http/paging";
import { auditPageQuery, auditQuery } from "./model";

type AuditFilterInput = { actor?: string; action?: string; target?: string };

function cleanFilter(input: AuditFilterInput): { actor?: string; action?: string; target?: string } {
  const clean = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
  return { actor: clean(input.actor), action: clean(input.action), target: clean(input.target) };
}

export function auditModule(ctx: AppContext) {
  return new Elysia({ name: "audit" })
    .use(authGuard(ctx))
    .get(
      "/api/audit",
      async ({ query, set }): Promise<AuditEntry[]> => {
        const { entries, total } = await ctx.audit.list(ctx.db, { ...cleanFilter(query), ...pageWindow(query.limit, query.offset) });
        set.headers["x-total-count"] = String(total);
        return entries;
      },
      { auth: { role: "admin", scope: "audit:read" }, query: auditQuery },
    )
    .get(
      "/admin/audit",
      async ({ query, me, cookie }) => {
        const filter = cleanFilter(query);
        const window = pageWindowOf(query);
        const { entries, total } = await ctx.audit.list(ctx.db, { ...filter, ...window });
        return <AdminAuditPage page={pageContext(ctx, me, cookie)} entries={entries} total={total} filter={filter} {...window} />;
      },
      { auth: { role: "admin", scope: "audit:read" }, query: auditPageQuery },
    );
}
