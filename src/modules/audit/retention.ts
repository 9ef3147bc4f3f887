// AUDIT_RETENTION_DAYS: audit entries older than that are deleted once at start and then daily, so
// the trail (and every backup of it) stops growing without bound. The count and its delete run in
// one transaction, so the logged number is what went.
import type { AppContext } from "../../context";
import { deleteAuditBefore } from "./repository";

const DAY_MS = 24 * 3_600_000;

export class AuditRetention {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<number> | null = null;

  constructor(private readonly ctx: Pick<AppContext, "db" | "clock" | "log" | "config">) {}

  /** Deletes what is older than the retention period now; returns how many entries went. */
  async pruneNow(): Promise<number> {
    this.running ??= this.prune().finally(() => (this.running = null));
    return this.running;
  }

  /** Prunes once now (the returned promise) and then every day; the timer never keeps the process alive. */
  start(): Promise<number> {
    this.timer ??= setInterval(() => void this.pruneNow().catch(() => undefined), DAY_MS);
    this.timer.unref?.();
    return this.pruneNow().catch(() => 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private async prune(): Promise<number> {
    const days = this.ctx.config.auditRetentionDays;
    const cutoff = new Date(this.ctx.clock.now().getTime() - days * DAY_MS);
    try {
      const deleted = await this.ctx.db.transaction((tx) => deleteAuditBefore(tx, cutoff));
      if (deleted > 0) this.ctx.log.info("audit.pruned", { deleted, before: cutoff.toISOString(), retention_days: days });
      return deleted;
    } catch (error) {
      this.ctx.log.error("audit.prune_failed", { error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }
}
