// Every SQL statement about users. Emails are stored trimmed and lower-cased (see migration 001).
import type { Queryable } from "../../db/database";
import type { Role } from "../../shared/contract";

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
};

const COLUMNS = "id, email, name, role, active, password_hash, created_at, updated_at, deactivated_at, deactivated_by, last_login_at";

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

export async function insertUser(
  q: Queryable,
  user: { id: string; email: string; name: string; role: Role; passwordHash: string | null; now: Date },
): Promise<void> {
  await q.run(
    `INSERT INTO users (id, email, name, role, password_hash, active, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6)`,
    [user.id, user.email, user.name, user.role, user.passwordHash, user.now],
  );
}

export async function setLastLogin(q: Queryable, id: string, at: Date): Promise<void> {
  await q.run("UPDATE users SET last_login_at = $2 WHERE id = $1", [id, at]);
}

export async function setPasswordHash(q: Queryable, id: string, passwordHash: string, now: Date): Promise<void> {
  await q.run("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1", [id, passwordHash, now]);
}

/** Users as the auth state needs them, for loading it at start. */
export function listAuthUsers(q: Queryable) {
  return q.query<{ id: string; email: string; name: string; role: Role; active: boolean }>(
    "SELECT id, email, name, role, active FROM users",
  );
}

export type UserFilter = { q: string | null; role: Role | null; active: boolean | null; limit: number; offset: number };

/**
 * A page of users ordered by email, and how many match. `q` is matched as a plain substring of the
 * (lower-cased) email or name: `contains` has no wildcards, so `%` and `_` in a search mean themselves.
 */
export async function listUsers(q: Queryable, f: UserFilter): Promise<{ rows: UserRow[]; total: number }> {
  const where = `WHERE ($1::VARCHAR IS NULL OR contains(email, $1) OR contains(lower(name), $1))
      AND ($2::VARCHAR IS NULL OR role = $2)
      AND ($3::BOOLEAN IS NULL OR active = $3)`;
  const params = [f.q === null ? null : f.q.toLowerCase(), f.role, f.active];
  const rows = await q.query<UserRow>(
    `SELECT ${COLUMNS} FROM users ${where} ORDER BY email LIMIT $4 OFFSET $5`,
    [...params, f.limit, f.offset],
  );
  const [count] = await q.query<{ n: number }>(`SELECT count(*) AS n FROM users ${where}`, params);
  return { rows, total: count?.n ?? 0 };
}

/** Active admins: the safeguards refuse any change that would bring this to zero. */
export async function countActiveAdmins(q: Queryable): Promise<number> {
  const [row] = await q.query<{ n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin' AND active");
  return row?.n ?? 0;
}

export async function updateUserProfile(q: Queryable, id: string, fields: { name: string; role: Role; now: Date }): Promise<void> {
  await q.run("UPDATE users SET name = $2, role = $3, updated_at = $4 WHERE id = $1", [id, fields.name, fields.role, fields.now]);
}

export async function setUserActive(q: Queryable, id: string, active: boolean, by: string | null, now: Date): Promise<void> {
  await q.run(
    `UPDATE users SET active = $2, updated_at = $4,
       deactivated_at = CASE WHEN $2 THEN NULL ELSE $4::TIMESTAMP END,
       deactivated_by = CASE WHEN $2 THEN NULL ELSE $3 END
     WHERE id = $1`,
    [id, active, by, now],
  );
}

export async function deleteUserRow(q: Queryable, id: string): Promise<void> {
  await q.run("DELETE FROM users WHERE id = $1", [id]);
}
