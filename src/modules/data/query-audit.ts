// The `data.query` audit entries, written right after each answer instead of before it. Awaiting
// the entry's INSERT was most of a `SELECT 1` round trip (p50 1.5 of 2.7 ms, p99 6.6 of 7.2 ms in
// process, measured): a query is a read, and its entry need not hold up its answer. Entries are
// written at once when the writer is idle, and those that arrive during a write go together in the
// next one (one transaction each), so the database's one queue keeps them in order with the reads
// behind them. If a write fails (a full disk), the entries are kept (up to MAX_PENDING), retried
// every RETRY_MS, and every new query is refused with 503 until a write succeeds: at most the
// queries already answered can be waiting for their entry, never an unbounded number.
import type { AuditEvent, AuditService } from "../audit/service";
import type { Database } from "../../db/database";
import type { Logger } from "../../log";
import { ServiceUnavailable } from "../../shared/errors";

const MAX_BATCH = 500;
const MAX_PENDING = 10_000;
const RETRY_MS = 1000;

export type AuditBatchWrite = (events: AuditEvent[]) => Promise<void>;

export class QueryAuditWriter {
  private pending: AuditEvent[] = [];
  private writing: Promise<void> | null = null;
  private failing = false;
  private retry: Timer | null = null;

  constructor(
    private readonly write: AuditBatchWrite,
    private readonly log: Logger,
  ) {}

  /** Before a query runs: refused while its audit entry could not be written. */
  check(): void {
    if (this.failing) throw new ServiceUnavailable("The audit trail cannot be written; queries are refused until it can");
  }

  record(event: AuditEvent): void {
    if (this.pending.length >= MAX_PENDING) {
      this.log.error("data.query_audit_dropped", { action: event.action });
      return;
    }
    this.pending.push(event);
    this.next();
  }

  /** Resolves once everything recorded so far is written (or the writes are failing). */
  async flush(): Promise<void> {
    while (this.writing || (this.pending.length > 0 && !this.failing)) {
      this.next();
      await this.writing;
    }
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  private next(): void {
    if (this.writing || this.pending.length === 0) return;
    const batch = this.pending.splice(0, MAX_BATCH);
    this.writing = this.write(batch).then(
      () => {
        if (this.failing) this.log.info("data.query_audit_recovered", {});
        this.failing = false;
      },
      (error: Error) => {
        this.pending.unshift(...batch);
        if (!this.failing) this.log.error("data.query_audit_failed", { error: error.message, pending: this.pending.length });
        this.failing = true;
        this.retry ??= setTimeout(() => {
          this.retry = null;
          this.next();
        }, RETRY_MS);
      },
    );
    void this.writing.finally(() => {
      this.writing = null;
      if (!this.failing) this.next();
    });
  }
}

/** The server's writer: each batch in one transaction of the system database. */
export function systemQueryAudits(db: Database, audit: AuditService, log: Logger): QueryAuditWriter {
  return new QueryAuditWriter(
    (events) =>
      db.transaction(async (tx) => {
        for (const event of events) await audit.record(tx, event);
      }),
    log,
  );
}
