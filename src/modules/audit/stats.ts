// GET /api/stats/activity?days=14|30 (admins, scope audit:read): per UTC day, sign-ins and failed
// sign-ins, working tokens, and queries (data.query entries) — the numbers the dashboard draws.
// Reads only: counts by day from the audit trail (its `audit_log_created` time index bounds the
// scan to the window) and from the tokens table; nothing is written on a read.
import { Elysia } from "elysia";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { ActivityDay, ActivityStats } from "../../shared/activity";
import { authGuard } from "../../http/auth-guard";
import { activeTokensByDay } from "../tokens/activity";
import { countAuditByDay } from "./repository";

const DAY_MS = 86_400_000;
const FAILURES = new Set(["auth.login_failed", "auth.login_refused"]);

/** The last `days` UTC days, today included, oldest first. */
export async function activityStats(ctx: Pick<AppContext, "db" | "clock">, days: number): Promise<ActivityStats> {
  const now = ctx.clock.now();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = new Date(today - (days - 1) * DAY_MS);
  const [entries, tokens] = await Promise.all([
    countAuditByDay(ctx.db, ["auth.login", "auth.login_failed", "auth.login_refused", "data.query"], first),
    activeTokensByDay(ctx.db, first, new Date(today)),
  ]);
  const series: ActivityDay[] = Array.from({ length: days }, (_, i) => {
    const day = new Date(first.getTime() + i * DAY_MS).toISOString().slice(0, 10);
    return { day, sign_ins: 0, sign_in_failures: 0, active_tokens: tokens.get(day) ?? 0, queries: 0 };
  });
  const byDay = new Map(series.map((d) => [d.day, d]));
  for (const row of entries) {
    const day = byDay.get(row.day);
    if (!day) continue;
    if (row.action === "auth.login") day.sign_ins += row.n;
    else if (FAILURES.has(row.action)) day.sign_in_failures += row.n;
    else day.queries += row.n;
  }
  return { days, series };
}

export const activityQuery = z.object({ days: z.enum(["14", "30"]).optional() });

export function statsApi(ctx: AppContext) {
  return new Elysia({ name: "stats-api" }).use(authGuard(ctx)).get("/api/stats/activity", ({ query }) => activityStats(ctx, Number(query.days ?? "14")), {
    auth: { role: "admin", scope: "audit:read" },
    query: activityQuery,
  });
}
