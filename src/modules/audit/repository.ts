// Every SQL statement about the audit trail.
import type { Queryable, SqlParam } from "../../db/database";

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

/**
 * `actor`: the actor's id or email. `action`: exact, or a prefix ending in "." (`user.`).
 * `person`: entries by or about someone: their id as actor, target, or a group member's or token
 * owner's `user_id`/`owner_id` parameter, or their email as actor.
 * `since`/`until`: created at or after / before (the `audit_log_created` index serves both).
 */
export type AuditSelection = {
  actor?: string;
  action?: string;
  target?: string;
  person?: { id: string | null; email: string | null };
  since?: Date;
  until?: Date;
};
export type AuditFilter = AuditSelection & { limit: number; offset: number };

const AUDIT_COLUMNS = "id, created_at, actor_id, actor_email, action, target, params, ip, token_id";

/** The WHERE clause of a selection and its first seven parameters. */
function selectionWhere(f: AuditSelection): { where: string; params: SqlParam[] } {
  const where = `WHERE ($1::VARCHAR IS NULL OR actor_id = $1 OR actor_email = lower($1))
      AND ($2::VARCHAR IS NULL OR action = $2 OR (right($2, 1) = '.' AND starts_with(action, $2)))
      AND ($3::VARCHAR IS NULL OR target = $3)
      AND (($4::VARCHAR IS NULL AND $5::VARCHAR IS NULL) OR actor_id = $4 OR target = $4 OR actor_email = $5
        OR json_extract_string(params, '$.user_id') = $4 OR json_extract_string(params, '$.owner_id') = $4)
      AND ($6::TIMESTAMP IS NULL OR created_at >= $6::TIMESTAMP)
      AND ($7::TIMESTAMP IS NULL OR created_at < $7::TIMESTAMP)`;
  const person = f.person ? [f.person.id ?? "", f.person.email ?? ""] : [null, null];
  return { where, params: [f.actor ?? null, f.action ?? null, f.target ?? null, ...person, f.since ?? null, f.until ?? null] };
}

/** Newest first. */
export async function listAudit(q: Queryable, f: AuditFilter): Promise<{ rows: AuditRow[]; total: number }> {
  const { where, params } = selectionWhere(f);
  const rows = await q.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log ${where} ORDER BY created_at DESC, id DESC LIMIT $8 OFFSET $9`, [
    ...params,
    f.limit,
    f.offset,
  ]);
  const [count] = await q.query<{ n: number }>(`SELECT count(*) AS n FROM audit_log ${where}`, params);
  return { rows, total: count?.n ?? 0 };
}

/** One batch of an export, newest first, strictly after `after` in that order (keyset, not OFFSET). */
export function auditBatch(q: Queryable, f: AuditSelection, after: { created_at: Date; id: string } | null, size: number): Promise<AuditRow[]> {
  const { where, params } = selectionWhere(f);
  return q.query<AuditRow>(
    `SELECT ${AUDIT_COLUMNS} FROM audit_log ${where}
       AND ($8::TIMESTAMP IS NULL OR created_at < $8::TIMESTAMP OR (created_at = $8::TIMESTAMP AND id < $9))
     ORDER BY created_at DESC, id DESC LIMIT $10`,
    [...params, after?.created_at ?? null, after?.id ?? "", size],
  );
}

/** Entries per UTC day and action since `since` (the dashboard's charts). */
export function countAuditByDay(q: Queryable, actions: string[], since: Date): Promise<{ day: string; action: string; n: number }[]> {
  return q.query(
    `SELECT strftime(date_trunc('day', created_at), '%Y-%m-%d') AS day, action, count(*)::INTEGER AS n FROM audit_log
     WHERE created_at >= $1::TIMESTAMP AND list_contains(string_split($2, ','), action) GROUP BY ALL`,
    [since, actions.join(",")],
  );
}

/** Deletes entries written before `cutoff` (AUDIT_RETENTION_DAYS); returns how many went. */
export async function deleteAuditBefore(q: Queryable, cutoff: Date): Promise<number> {
  const [count] = await q.query<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE created_at < $1", [cutoff]);
  if (!count?.n) return 0;
  await q.run("DELETE FROM audit_log WHERE created_at < $1", [cutoff]);
  return count.n;
}
