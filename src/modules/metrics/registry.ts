// What /metrics reports, in one per-app prom-client Registry (never the global default: tests build
// many apps in one process). Request metrics are labelled by Elysia's matched route template, never
// the raw path, and by a fixed set of methods, so label cardinality stays bounded whatever clients send.
// Per request: two nested Map lookups and two observations on cached children, nothing else.
// Gauges (sessions, tokens, backups, DB queue) are read when Prometheus scrapes.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { AuthState } from "../../auth/auth-state";
import type { Clock } from "../../clock";
import type { Database } from "../../db/database";
import type { BackupResult } from "../backups/service";

export type SignInResult = "success" | "failure" | "limited";
type Children = { count: Counter.Internal; duration: Histogram.Internal<"method" | "route" | "status"> };
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
  private readonly requests: Counter<"method" | "route" | "status">;
  private readonly duration: Histogram<"method" | "route" | "status">;
  private readonly signIns: Counter<"result">;
  /** route → method → status → cached label children. */
  private readonly children = new Map<string, Map<string, Map<number, Children>>>();

  constructor(sources: Sources) {
    const registers = [this.registry];
    this.requests = new Counter({ name: "agnes_http_requests_total", help: "HTTP requests answered, by route template, method and status", labelNames: ["method", "route", "status"], registers });
    this.duration = new Histogram({
      name: "agnes_http_request_duration_seconds",
      help: "Time from request to response, by route template, method and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.signIns = new Counter({ name: "agnes_sign_ins_total", help: "Password sign-ins by result (success, failure, limited)", labelNames: ["result"], registers });
    for (const result of ["success", "failure", "limited"] as const) this.signIns.inc({ result }, 0);
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers, collect() { this.set(read()); } });
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
    const c = this.childrenFor(METHODS.has(method) ? method : "OTHER", route ?? UNMATCHED_ROUTE, status);
    c.count.inc();
    c.duration.observe(seconds);
  }

  signIn(result: SignInResult): void {
    this.signIns.inc({ result });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  private childrenFor(method: string, route: string, status: number): Children {
    let byMethod = this.children.get(route);
    if (!byMethod) this.children.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let c = byStatus.get(status);
    if (!c) {
      const labels = { method, route, status: String(status) };
      byStatus.set(status, (c = { count: this.requests.labels(labels), duration: this.duration.labels(labels) }));
    }
    return c;
  }
}
