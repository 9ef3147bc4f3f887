// Every SQL statement about the audit trail.
import type { Queryable } from "../../db/database";

export type AuditRow = {
  id: string;
  created_at: Date;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target: string | null;
  params: string;
  ip: string | null;
  token_id: string | null;
};

export async function insertAudit(q: Queryable, row: AuditRow): Promise<void> {
  await q.run(
    "INSERT INTO audit_log (id, created_at, actor_id, actor_email, action, target, params, ip, token_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    [row.id, row.created_at, row.actor_id, row.actor_email, row.action, row.target, row.params, row.ip, row.token_id],
  );
}

export type AuditFilter = { actor?: string; action?: string; target?: string; limit: number; offset: number };

/** Newest first. `actor` matches the actor's id or email; `action` matches exactly or as a prefix (`user.`). */
export async function listAudit(q: Queryable, f: AuditFilter): Promise<{ rows: AuditRow[]; total: number }> {
  const where = `WHERE ($1::VARCHAR IS NULL OR actor_id = $1 OR actor_email = lower($1))
      AND ($2::VARCHAR IS NULL OR action = $2 OR (right($2, 1) = '.' AND starts_with(action, $2)))
      AND ($3::VARCHAR IS NULL OR target = $3)`;
  const params = [f.actor ?? null, f.action ?? null, f.target ?? null];
  const rows = await q.query<AuditRow>(
    `SELECT id, created_at, actor_id, actor_email, action, target, params, ip, token_id FROM audit_log ${where}
     ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5`,
    [...params, f.limit, f.offset],
  );
  const [count] = await q.query<{ n: number }>(`SELECT count(*) AS n FROM audit_log ${where}`, params);
  return { rows, total: count?.n ?? 0 };
}

/** Deletes entries written before `cutoff` (AUDIT_RETENTION_DAYS); returns how many went. */
export async function deleteAuditBefore(q: Queryable, cutoff: Date): Promise<number> {
  const [count] = await q.query<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE created_at < $1", [cutoff]);
  if (!count?.n) return 0;
  await q.run("DELETE FROM audit_log WHERE created_at < $1", [cutoff]);
  return count.n;
}
