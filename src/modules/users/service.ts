// Admin user management: the rules live here, shared by /api/users and the /admin/users pages.
//
// Safeguards (nobody can lock the instance out) are checked and applied inside ONE transaction.
// The database runs transactions one at a time through its queue, so the re-read of the target,
// of the acting admin and of the active-admin count cannot interleave with another change: two
// admins demoting or deactivating each other at the same moment leave one of them an admin.
// Every change writes its audit entry in the same transaction. The in-memory auth state follows
// the commit by itself: the writes register their effects on the transaction (auth-effects.ts).
import type { AppContext } from "../../context";
import type { Queryable } from "../../db/database";
import { assertPasswordPolicy, assertPasswordsInUse } from "../../auth/passwords";
import { isRole } from "../../auth/roles";
import { BadRequest, Conflict, NotFound } from "../../shared/errors";
import { DEFAULT_ROLE, ROLES, type Role, type User } from "../../shared/contract";
import { parseEmail } from "../../auth/email";
import { assertStillAdmin, type AdminCall } from "./admin-call";
import { activate, changeProfile, createAccount, deactivate, deleteAccount, resetSecondFactor, SAFEGUARD, setPassword, type ChangeBy } from "./lifecycle";
import { findPerson } from "./directory";
import { listUsers as listUserRows, type UserRow } from "./repository";
import { pageWindow } from "../../http/paging";
import { roleManagedBy } from "../sso/identities";

export { adminCall, assertStillAdmin, type AdminCall } from "./admin-call";

export { SAFEGUARD } from "./lifecycle";

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    deactivated_at: row.deactivated_at?.toISOString() ?? null,
    deactivated_by: row.deactivated_by,
    last_login_at: row.last_login_at?.toISOString() ?? null,
  };
}

export function parseRole(value: string): Role {
  if (!isRole(value)) throw new BadRequest(`Unknown role: expected one of ${ROLES.join(", ")}`);
  return value;
}

async function findTarget(tx: Queryable, id: string): Promise<UserRow> {
  const row = await findPerson(tx, id);
  if (!row) throw new NotFound("User not found");
  return row;
}

export async function listUsers(
  ctx: AppContext,
  filter: { q?: string; role?: string; active?: boolean; limit?: number; offset?: number },
): Promise<{ users: User[]; total: number; limit: number; offset: number }> {
  const window = pageWindow(filter.limit, filter.offset);
  const q = filter.q?.trim() ? filter.q.trim() : null;
  const role = filter.role ? parseRole(filter.role) : null;
  const { rows, total } = await listUserRows(ctx.db, { q, role, active: filter.active ?? null, ...window });
  return { users: rows.map(toUser), total, ...window };
}

export async function getUser(ctx: AppContext, id: string): Promise<User> {
  return toUser(await findTarget(ctx.db, id));
}

export async function createUser(
  ctx: AppContext,
  call: AdminCall,
  input: { email: string; name?: string; role?: string; password?: string | null; must_change_password?: boolean },
): Promise<User> {
  const email = parseEmail(input.email);
  const role = parseRole(input.role ?? DEFAULT_ROLE);
  const name = (input.name ?? "").trim();
  const hasPassword = input.password !== undefined && input.password !== null;
  if (hasPassword) {
    assertPasswordsInUse(ctx.config);
    assertPasswordPolicy(input.password!);
  }
  // Hash before taking the database queue: argon2 takes ~80 ms and would stall every other request.
  const passwordHash = hasPassword ? await ctx.passwords.hash(input.password!) : null;
  const row = await ctx.db.transaction(async (tx) => {
    // A password an admin typed is known to two people: its owner replaces it first (unless a script says not to).
    const mustChangePassword = input.must_change_password ?? true;
    return createAccount(ctx, tx, { email, name, role, passwordHash, via: "admin", mustChangePassword }, changeBy(tx, call));
  });
  return toUser(row);
}

export type UserChanges = { name?: string; role?: string; active?: boolean };

/** Name, role and active flag; PATCH, activate and deactivate all come through here. */
export async function updateUser(ctx: AppContext, call: AdminCall, id: string, changes: UserChanges): Promise<User> {
  const newRole = changes.role === undefined ? undefined : parseRole(changes.role);
  const row = await ctx.db.transaction(async (tx) => {
    const before = await findTarget(tx, id);
    const after = { name: changes.name?.trim() ?? before.name, role: newRole ?? before.role, active: changes.active ?? before.active };
    const manager = after.role !== before.role ? await roleManagedBy(ctx, tx, id) : null;
    if (manager) throw new Conflict(`The role of ${before.email} is managed by ${manager}: change their groups there`);
    if (before.active && !after.active && before.id === call.actor.id) throw new Conflict(SAFEGUARD.deactivateSelf);
    const by = changeBy(tx, call, id);
    // Deactivating first: a deactivated admin is no longer "the last active admin" to protect.
    if (!after.active) await deactivate(ctx, tx, before, by);
    await changeProfile(ctx, tx, { ...before, active: before.active && after.active }, { name: after.name, role: after.role }, by);
    if (after.active) await activate(ctx, tx, before, by);
    return findTarget(tx, id);
  });
  return toUser(row);
}

/**
 * Who acts, from where, re-checked as an active admin inside the transaction (after the safeguards);
 * an admin acting on themselves keeps the session they are using.
 */
function changeBy(tx: Queryable, call: AdminCall, targetId?: string): ChangeBy {
  const keepSessionId = targetId === call.actor.id ? call.sessionId : null;
  return { actor: call.actor, ip: call.ip, keepSessionId, authorise: () => assertStillAdmin(tx, call) };
}

/** Deletes the user and everything that let them in: sessions, tokens, reset links. */
export async function deleteUser(ctx: AppContext, call: AdminCall, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const target = await findTarget(tx, id);
    if (target.id === call.actor.id) throw new Conflict(SAFEGUARD.deleteSelf);
    await deleteAccount(ctx, tx, target, changeBy(tx, call));
  });
}

/**
 * Sets a password chosen by an admin; the user's sessions end and unused reset links stop working.
 * The person must change it at their next sign-in (`mustChange`, default on), except an admin
 * setting their own: nobody else knows it.
 */
export async function setUserPassword(ctx: AppContext, call: AdminCall, id: string, password: string, mustChange = true): Promise<void> {
  assertPasswordsInUse(ctx.config);
  assertPasswordPolicy(password);
  const passwordHash = await ctx.passwords.hash(password);
  await ctx.db.transaction(async (tx) => {
    await findTarget(tx, id);
    const how = { event: "password_set_by_admin" as const, mustChange: mustChange && id !== call.actor.id };
    await setPassword(ctx, tx, id, passwordHash, how, changeBy(tx, call, id));
  });
}

/** Removes a person's second factors (they lost them); their sessions end. Audited as `mfa.reset`. */
export async function resetUserSecondFactor(ctx: AppContext, call: AdminCall, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const target = await findTarget(tx, id);
    await resetSecondFactor(ctx, tx, target, { ...changeBy(tx, call, id), via: "admin" });
  });
}
