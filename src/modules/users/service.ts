// Admin user management: the rules live here, shared by /api/users and the /admin/users pages.
//
// Safeguards (nobody can lock the instance out) are checked and applied inside ONE transaction.
// The database runs transactions one at a time through its queue, so the re-read of the target,
// of the acting admin and of the active-admin count cannot interleave with another change: two
// admins demoting or deactivating each other at the same moment leave one of them an admin.
// Every change writes its audit entry in the same transaction. The in-memory auth state follows
// the commit by itself: the writes register their effects on the transaction (auth-effects.ts).
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context";
import type { Queryable } from "../../db/database";
import { assertPasswordPolicy, assertPasswordsInUse } from "../../auth/passwords";
import { isRole } from "../../auth/roles";
import { BadRequest, Conflict, NotFound } from "../../http/errors";
import { DEFAULT_ROLE, ROLES, type Role, type User } from "../../shared/contract";
import { parseEmail } from "../../auth/email";
import { deleteSessionsOf } from "../accounts/sessions";
import { deleteTokensOf } from "../tokens/service";
import { deleteResetLinksOf } from "../password-reset/links";
import { revokeAccess } from "./lifecycle";
import { assertStillAdmin, type AdminCall } from "./admin-call";
import {
  countActiveAdmins,
  deleteUserRow,
  findUserByEmail,
  findUserById,
  insertUser,
  listUsers as listUserRows,
  setPasswordHash,
  setUserActive,
  updateUserProfile,
  type UserRow,
} from "./repository";
import { pageWindow } from "../../http/paging";
import { deleteIdentitiesOf, roleManagedBy } from "../sso/identities";

export { adminCall, assertStillAdmin, type AdminCall } from "./admin-call";

export const SAFEGUARD = {
  deactivateSelf: "Cannot deactivate yourself",
  deleteSelf: "Cannot delete yourself",
  demoteLastAdmin: "Cannot demote the last active admin",
  deactivateLastAdmin: "Cannot deactivate the last active admin",
  deleteLastAdmin: "Cannot delete the last active admin",
} as const;

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
  const row = await findUserById(tx, id);
  if (!row) throw new NotFound("User not found");
  return row;
}

/** True when `row` is an active admin and nobody else is: removing them would leave no active admin. */
async function isLastActiveAdmin(tx: Queryable, row: UserRow): Promise<boolean> {
  return row.active && row.role === "admin" && (await countActiveAdmins(tx)) <= 1;
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
  input: { email: string; name?: string; role?: string; password?: string | null },
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
    await assertStillAdmin(tx, call);
    if (await findUserByEmail(tx, email)) throw new Conflict("A user with this email already exists");
    const id = randomUUID();
    await insertUser(tx, { id, email, name, role, passwordHash, now: ctx.clock.now() });
    await ctx.audit.record(tx, {
      actor: call.actor,
      action: "user.create",
      target: id,
      params: { email, name, role, with_password: hasPassword },
      ip: call.ip,
    });
    return findTarget(tx, id);
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
    const deactivating = before.active && !after.active;
    const demoting = before.role === "admin" && after.role !== "admin";
    const manager = after.role !== before.role ? await roleManagedBy(ctx, tx, id) : null;
    if (manager) throw new Conflict(`The role of ${before.email} is managed by ${manager}: change their groups there`);
    if (deactivating && before.id === call.actor.id) throw new Conflict(SAFEGUARD.deactivateSelf);
    if ((deactivating || demoting) && (await isLastActiveAdmin(tx, before))) {
      throw new Conflict(deactivating ? SAFEGUARD.deactivateLastAdmin : SAFEGUARD.demoteLastAdmin);
    }
    await assertStillAdmin(tx, call);
    const now = ctx.clock.now();
    const changed = (["name", "role"] as const).filter((field) => after[field] !== before[field]);
    if (changed.length > 0) {
      await updateUserProfile(tx, id, { name: after.name, role: after.role, now });
      const params: Record<string, unknown> = { changed };
      for (const field of changed) params[field] = { from: before[field], to: after[field] };
      await ctx.audit.record(tx, { actor: call.actor, action: "user.update", target: id, params, ip: call.ip });
    }
    if (after.active !== before.active) {
      await setUserActive(tx, id, after.active, call.actor.id, now);
      await ctx.audit.record(tx, { actor: call.actor, action: after.active ? "user.activate" : "user.deactivate", target: id, params: { email: before.email }, ip: call.ip });
    }
    // A session, `da` sign-in or reset link from before the change must not outlive it (lifecycle.ts).
    if (deactivating) await revokeAccess(ctx, tx, id, "deactivation", ownSession(call, id));
    else if (after.role !== before.role) await revokeAccess(ctx, tx, id, "role_change", ownSession(call, id));
    return findTarget(tx, id);
  });
  return toUser(row);
}

/** An admin changing their own role or password keeps the session they are using; other sessions end. */
function ownSession(call: AdminCall, targetId: string): string | undefined {
  return targetId === call.actor.id ? (call.sessionId ?? undefined) : undefined;
}

/** Deletes the user and everything that let them in: sessions, tokens, reset links. */
export async function deleteUser(ctx: AppContext, call: AdminCall, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const target = await findTarget(tx, id);
    if (target.id === call.actor.id) throw new Conflict(SAFEGUARD.deleteSelf);
    if (await isLastActiveAdmin(tx, target)) throw new Conflict(SAFEGUARD.deleteLastAdmin);
    await assertStillAdmin(tx, call);
    await deleteSessionsOf(tx, id);
    await deleteTokensOf(tx, id);
    await deleteResetLinksOf(tx, id);
    await deleteIdentitiesOf(tx, id);
    await deleteUserRow(tx, id);
    await ctx.audit.record(tx, { actor: call.actor, action: "user.delete", target: id, params: { email: target.email, name: target.name, role: target.role }, ip: call.ip });
  });
}

/** Sets a password chosen by an admin; the user's sessions end and unused reset links stop working. */
export async function setUserPassword(ctx: AppContext, call: AdminCall, id: string, password: string): Promise<void> {
  assertPasswordsInUse(ctx.config);
  assertPasswordPolicy(password);
  const passwordHash = await ctx.passwords.hash(password);
  const keep = ownSession(call, id);
  await ctx.db.transaction(async (tx) => {
    await assertStillAdmin(tx, call);
    await findTarget(tx, id);
    await setPasswordHash(tx, id, passwordHash, ctx.clock.now());
    await revokeAccess(ctx, tx, id, "password_set_by_admin", keep);
    await ctx.audit.record(tx, { actor: call.actor, action: "user.set_password", target: id, params: {}, ip: call.ip });
  });
}
