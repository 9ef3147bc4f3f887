// The audit trail: every mutation records who did what to whom, from where. Entries are written in
// the same transaction as the change they describe, so a failed audit write fails the change too.
// Never put a secret (password, token, reset link) in params.
import type { Clock } from "../../clock";
import type { Queryable } from "../../db/database";
import type { AuditEntry } from "../../shared/contract";
import { auditBatch, insertAudit, listAudit, type AuditFilter, type AuditRow, type AuditSelection } from "./repository";
import type { AuditEvent } from "./actions";

export type { AuditAction, AuditEvent } from "./actions";
export type { AuditSelection } from "./repository";
export type Actor = { id: string; email: string; tokenId?: string | null } | null;

export class AuditService {
  constructor(private readonly clock: Clock) {}

  async record(q: Queryable, event: AuditEvent): Promise<void> {
    await insertAudit(q, {
      // UUIDv7: time-ordered and monotonic in this process, so "newest first" is exact even for
      // entries written within the same millisecond (the list sorts by created_at, then id).
      id: Bun.randomUUIDv7(),
      created_at: this.clock.now(),
      actor_id: event.actor?.id ?? null,
      actor_email: event.actor?.email ?? null,
      action: event.action,
      target: event.target ?? null,
      params: JSON.stringify(event.params ?? {}),
      ip: event.ip,
      token_id: event.actor?.tokenId ?? null,
    });
  }

  async list(q: Queryable, filter: AuditFilter): Promise<{ entries: AuditEntry[]; total: number }> {
    const { rows, total } = await listAudit(q, filter);
    return { entries: rows.map(toEntry), total };
  }

  /** Every entry of a selection, newest first, a bounded batch at a time (exports). */
  async *entries(q: Queryable, selection: AuditSelection, batchSize = 2_000): AsyncGenerator<AuditEntry[]> {
    let after: AuditRow | null = null;
    for (;;) {
      const rows: AuditRow[] = await auditBatch(q, selection, after, batchSize);
      if (rows.length > 0) yield rows.map(toEntry);
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1] ?? null;
    }
  }
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    created_at: r.created_at.toISOString(),
    actor_id: r.actor_id,
    actor_email: r.actor_email,
    action: r.action,
    target: r.target,
    params: JSON.parse(r.params) as Record<string, unknown>,
    ip: r.ip,
    token_id: r.token_id,
  };
}
