// What /metrics reports, in one per-app prom-client Registry (never the global default: tests build
// many apps in one process). Request metrics are labelled by Elysia's matched route template, never
// the raw path, and by a fixed set of methods, so label cardinality stays bounded whatever clients send.
// Per request: see request-stats.ts (a few Map lookups and additions, no allocation once warm).
// Gauges (sessions, tokens, backups, DB queue) are read when Prometheus scrapes.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { AuthState } from "../../auth/auth-state";
import type { Clock } from "../../clock";
import type { Database } from "../../db/database";
import type { BackupResult } from "../backups/service";
import { RequestStats } from "./request-stats";

export type SignInResult = "success" | "failure" | "limited";
/** How a user query ended (src/modules/data): refused = not run (not a SELECT, busy, a SQL error). */
export type QueryResult = "ok" | "error" | "timeout" | "too_large" | "refused";
const QUERY_RESULTS: QueryResult[] = ["ok", "error", "timeout", "too_large", "refused"];
type Sources = {
  db: Pick<Database, "queueDepth">;
  authState: Pick<AuthState, "snapshot">;
  clock: Clock;
  backups: { readonly last: BackupResult | null; list(): { created_at: string }[] };
};

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
export const UNMATCHED_ROUTE = "unmatched";

export class AppMetrics {
  readonly registry = new Registry();
  private readonly requests: RequestStats;
  private readonly signIns: Counter<"result">;
  private readonly queries: Counter<"result">;
  private readonly queryLatency: Histogram;

  constructor(sources: Sources) {
    const registers = [this.registry];
    this.requests = new RequestStats(this.registry, { count: "agnes_http_requests_total", duration: "agnes_http_request_duration_seconds" });
    this.signIns = new Counter({
      name: "agnes_sign_ins_total",
      help: "Password sign-ins by result (success, failure, limited)",
      labelNames: ["result"],
      registers,
    });
    for (const result of ["success", "failure", "limited"] as const) this.signIns.inc({ result }, 0);
    this.queries = new Counter({ name: "agnes_queries_total", help: "User SQL queries (POST /api/query) by result", labelNames: ["result"], registers });
    for (const result of QUERY_RESULTS) this.queries.inc({ result }, 0);
    this.queryLatency = new Histogram({
      name: "agnes_query_duration_seconds",
      help: "User SQL queries that ran, by time to answer",
      registers,
      buckets: [0.005, 0.025, 0.1, 0.5, 2, 10, 60],
    });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge("agnes_active_sessions", "Sessions that can authenticate now", () => sources.authState.snapshot(sources.clock.now()).sessions.length);
    gauge("agnes_active_tokens", "Personal access tokens that can authenticate now", () => sources.authState.snapshot(sources.clock.now()).tokens.length);
    gauge("agnes_db_queue_depth", "Database statements waiting for or holding the connection", () => sources.db.queueDepth);
    gauge("agnes_backup_age_seconds", "Age of the newest backup in BACKUP_DIR (NaN when there is none)", () => {
      const newest = sources.backups.list()[0];
      return newest ? (sources.clock.now().getTime() - Date.parse(newest.created_at)) / 1000 : NaN;
    });
    gauge("agnes_backup_last_success", "1 if the last backup since start succeeded, 0 if it failed (NaN before the first)", () => {
      const last = sources.backups.last;
      return last ? Number(last.ok) : NaN;
    });
    gauge("agnes_backup_last_run_timestamp_seconds", "When the last backup since start ended (NaN before the first)", () => {
      const last = sources.backups.last;
      return last ? last.at.getTime() / 1000 : NaN;
    });
  }

  observeRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    this.requests.observe(METHODS.has(method) ? method : "OTHER", route ?? UNMATCHED_ROUTE, status, seconds);
  }

  signIn(result: SignInResult): void {
    this.signIns.inc({ result });
  }

  query(result: QueryResult, seconds: number | null): void {
    this.queries.inc({ result });
    if (seconds !== null) this.queryLatency.observe(seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
