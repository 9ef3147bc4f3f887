// Every SQL statement about users. Emails are stored trimmed and lower-cased (see migration 001).
// Writes that change what the auth state knows (id, email, name, role, active) take a Transaction
// and register the row as it now is, so the in-memory copy follows the commit (auth-effects.ts).
import type { Queryable, SqlParam, Transaction } from "../../db/database";
import type { AuthUser } from "../../auth/auth-state";
import type { Role } from "../../shared/contract";
import { authEffects } from "../../auth/auth-effects";

export type UserRow = {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  password_hash: string | null;
  created_at: Date;
  updated_at: Date;
  deactivated_at: Date | null;
  deactivated_by: string | null;
  last_login_at: Date | null;
  /** "person", or "service" for a service account (src/modules/service-accounts). */
  kind: AccountKind;
  description: string;
  created_by: string | null;
};
export type AccountKind = "person" | "service";

const COLUMNS =
  "id, email, name, role, active, password_hash, created_at, updated_at, deactivated_at, deactivated_by, last_login_at, kind, description, created_by";
/** Listing never needs the hash: leave it in the table. */
const LIST_COLUMNS =
  "id, email, name, role, active, NULL::VARCHAR AS password_hash, created_at, updated_at, deactivated_at, deactivated_by, last_login_at, kind, description, created_by";

export async function findUserById(q: Queryable, id: string): Promise<UserRow | null> {
  const [row] = await q.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return row ?? null;
}

export async function findUserByEmail(q: Queryable, email: string): Promise<UserRow | null> {
  const [row] = await q.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE email = $1`, [email]);
  return row ?? null;
}

export async function countUsers(q: Queryable): Promise<number> {
  const [row] = await q.query<{ n: number }>("SELECT count(*) AS n FROM users");
  return row?.n ?? 0;
}

type NewUser = { id: string; email: string; name: string; role: Role; passwordHash: string | null; now: Date };
type NewAccount = NewUser & { kind?: AccountKind; description?: string; createdBy?: string | null };

export async function insertUser(tx: Transaction, user: NewAccount): Promise<void> {
  await tx.run(
    `INSERT INTO users (id, email, name, role, password_hash, active, created_at, updated_at, kind, description, created_by)
     VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6, $7, $8, $9)`,
    [user.id, user.email, user.name, user.role, user.passwordHash, user.now, user.kind ?? "person", user.description ?? "", user.createdBy ?? null],
  );
  authEffects(tx).putUser({ id: user.id, email: user.email, name: user.name, role: user.role, active: true });
}

/** Many users in one statement (imports, seeding); same columns and defaults as insertUser. */
export async function insertUsers(tx: Transaction, users: NewUser[]): Promise<void> {
  if (users.length === 0) return;
  const params: SqlParam[] = [];
  const tuples = users.map((u) => {
    const at = params.length;
    params.push(u.id, u.email, u.name, u.role, u.passwordHash, u.now);
    return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, TRUE, $${at + 6}, $${at + 6})`;
  });
  await tx.run(`INSERT INTO users (id, email, name, role, password_hash, active, created_at, updated_at) VALUES ${tuples.join(", ")}`, params);
  for (const u of users) authEffects(tx).putUser({ id: u.id, email: u.email, name: u.name, role: u.role, active: true });
}

export async function setLastLogin(q: Queryable, id: string, at: Date): Promise<void> {
  await q.run("UPDATE users SET last_login_at = $2 WHERE id = $1", [id, at]);
}

export async function setPasswordHash(q: Queryable, id: string, passwordHash: string, now: Date): Promise<void> {
  await q.run("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1", [id, passwordHash, now]);
}

const AUTH_COLUMNS = "id, email, name, role, active";

/** Users as the auth state needs them, for loading it at start. */
export function listAuthUsers(q: Queryable): Promise<AuthUser[]> {
  return q.query<AuthUser>(`SELECT ${AUTH_COLUMNS} FROM users`);
}

export type UserFilter = { q: string | null; role: Role | null; active: boolean | null; limit: number; offset: number };

/**
 * A page of users ordered by email, and how many match. `q` is matched as a plain substring of the
 * (lower-cased) email or name: `contains` has no wildcards, so `%` and `_` in a search mean themselves.
 * Only the filters in use go into the WHERE clause (values stay bound parameters): a generic
 * `($1 IS NULL OR …)` predicate made DuckDB scan and sort ~3x slower at 10,000 users.
 */
export async function listUsers(q: Queryable, f: UserFilter): Promise<{ rows: UserRow[]; total: number }> {
  const conditions: string[] = [];
  const params: SqlParam[] = [];
  const bind = (value: SqlParam) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (f.q !== null) {
    const search = bind(f.q.toLowerCase());
    conditions.push(`(contains(email, ${search}) OR contains(lower(name), ${search}))`);
  }
  if (f.role !== null) conditions.push(`role = ${bind(f.role)}`);
  if (f.active !== null) conditions.push(`active = ${bind(f.active)}`);
  // People only: service accounts have their own list (/api/service-accounts).
  conditions.push("kind = 'person'");
  const where = `WHERE ${conditions.join(" AND ")}`;
  const filterParams = [...params];
  const rows = await q.query<UserRow>(`SELECT ${LIST_COLUMNS} FROM users ${where} ORDER BY email LIMIT ${bind(f.limit)} OFFSET ${bind(f.offset)}`, params);
  const [count] = await q.query<{ n: number }>(`SELECT count(*) AS n FROM users ${where}`, filterParams);
  return { rows, total: count?.n ?? 0 };
}

/** Active admins (people: a service account cannot sign in to rescue anyone): the safeguards keep this above zero. */
export async function countActiveAdmins(q: Queryable): Promise<number> {
  const [row] = await q.query<{ n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin' AND active AND kind = 'person'");
  return row?.n ?? 0;
}

export async function updateUserProfile(tx: Transaction, id: string, fields: { name: string; role: Role; now: Date }): Promise<void> {
  const rows = await tx.query<AuthUser>(`UPDATE users SET name = $2, role = $3, updated_at = $4 WHERE id = $1 RETURNING ${AUTH_COLUMNS}`, [
    id,
    fields.name,
    fields.role,
    fields.now,
  ]);
  for (const row of rows) authEffects(tx).putUser(row);
}

export async function setUserActive(tx: Transaction, id: string, active: boolean, by: string | null, now: Date): Promise<void> {
  const rows = await tx.query<AuthUser>(
    `UPDATE users SET active = $2, updated_at = $4,
       deactivated_at = CASE WHEN $2 THEN NULL ELSE $4::TIMESTAMP END,
       deactivated_by = CASE WHEN $2 THEN NULL ELSE $3 END
     WHERE id = $1 RETURNING ${AUTH_COLUMNS}`,
    [id, active, by, now],
  );
  for (const row of rows) authEffects(tx).putUser(row);
}

export async function deleteUserRow(tx: Transaction, id: string): Promise<void> {
  await tx.run("DELETE FROM users WHERE id = $1", [id]);
  authEffects(tx).removeUser(id);
}

/** Every service account, by name. */
export function listServiceAccountRows(q: Queryable): Promise<UserRow[]> {
  return q.query<UserRow>(`SELECT ${LIST_COLUMNS} FROM users WHERE kind = 'service' ORDER BY name, id`);
}

export async function setDescription(tx: Transaction, id: string, description: string, now: Date): Promise<void> {
  await tx.run("UPDATE users SET description = $2, updated_at = $3 WHERE id = $1", [id, description, now]);
}

/** The people who are active admins (who hear about service accounts' expiring tokens). */
export function listActiveAdminPeople(q: Queryable): Promise<{ id: string; email: string }[]> {
  return q.query<{ id: string; email: string }>("SELECT id, email FROM users WHERE role = 'admin' AND active AND kind = 'person' ORDER BY email");
}

/** People whose password an admin set: the auth state keeps their ids (loaded at start). */
export async function listPasswordChangeRequired(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ user_id: string }>("SELECT user_id FROM password_change_required");
  return rows.map((r) => r.user_id);
}

/** Marks (or clears) that the person must choose their own password before anything else. */
export async function setPasswordChangeRequired(tx: Transaction, userId: string, required: boolean, by: string | null, now: Date): Promise<void> {
  await tx.run("DELETE FROM password_change_required WHERE user_id = $1", [userId]);
  if (required) await tx.run("INSERT INTO password_change_required (user_id, since, set_by) VALUES ($1, $2, $3)", [userId, now, by]);
  authEffects(tx).passwordChangeRequired(userId, required);
}
