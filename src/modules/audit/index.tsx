// The audit trail for admins: GET /api/audit (JSON, total in X-Total-Count; ?format=csv|ndjson
// streams the whole filtered list, export.ts) and the /admin/audit page (one sentence per entry).
// Newest first; filters: actor (id or email), action (exact, or a prefix ending in "." such as
// "user."), target (a user or token id), person (by or about them), since/until.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import type { AuditEntry } from "../../shared/contract";
import { authGuard } from "../../http/auth-guard";
import { pageContext } from "../../http/page";
import { AdminAuditPage } from "../../../views/audit/audit-page";
import { pageWindow, pageWindowOf } from "../../http/paging";
import { AUDIT_ACTIONS } from "./actions";
import { auditExport } from "./export";
import { auditSelection, instantOf, pageDay } from "./filters";
import { auditPageQuery, auditQuery } from "./model";
import { describeEntries } from "./readable";
import { statsApi } from "./stats";
import type { AuditSelection } from "./service";

const ACTION_CHOICES = Object.entries(AUDIT_ACTIONS).map(([action, meaning]) => ({ action, meaning }));

/** The page's filters as the API's query string, so "Export" downloads what the page lists. */
function exportQueryOf(person: string, selection: AuditSelection): string {
  const query = new URLSearchParams();
  if (person) query.set("person", person);
  for (const key of ["actor", "action", "target"] as const) if (selection[key]) query.set(key, selection[key]);
  if (selection.since) query.set("since", selection.since.toISOString());
  if (selection.until) query.set("until", selection.until.toISOString());
  const text = query.toString();
  return text ? `${text}&` : "";
}

export function auditModule(ctx: AppContext) {
  return new Elysia({ name: "audit" })
    .use(authGuard(ctx))
    .use(statsApi(ctx))
    .get(
      "/api/audit",
      async ({ query, set }): Promise<AuditEntry[] | Response> => {
        const selection = await auditSelection(ctx, query, { since: instantOf(query.since), until: instantOf(query.until) });
        if (query.format === "csv" || query.format === "ndjson") return auditExport(ctx, selection, query.format, ctx.clock.now());
        const { entries, total } = await ctx.audit.list(ctx.db, { ...selection, ...pageWindow(query.limit, query.offset) });
        set.headers["x-total-count"] = String(total);
        return entries;
      },
      { auth: { role: "admin", scope: "audit:read" }, query: auditQuery },
    )
    .get(
      "/admin/audit",
      async ({ query, me, cookie }) => {
        const selection = await auditSelection(ctx, query, { since: pageDay(query.from, false), until: pageDay(query.to, true) });
        const window = pageWindowOf(query);
        const { entries, total } = await ctx.audit.list(ctx.db, { ...selection, ...window });
        const filter = {
          person: query.person?.trim() ?? "",
          action: selection.action ?? "",
          actor: selection.actor ?? "",
          target: selection.target ?? "",
          from: selection.since ? (query.from ?? "") : "",
          to: selection.until ? (query.to ?? "") : "",
        };
        const page = pageContext(ctx, me, cookie);
        const exportQuery = exportQueryOf(filter.person, selection);
        return (
          <AdminAuditPage
            page={page}
            entries={describeEntries(ctx, entries)}
            total={total}
            filter={filter}
            actions={ACTION_CHOICES}
            exportQuery={exportQuery}
            {...window}
          />
        );
      },
      { auth: { role: "admin", scope: "audit:read" }, query: auditPageQuery },
    );
}
