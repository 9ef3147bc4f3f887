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
