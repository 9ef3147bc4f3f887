// A person's account from birth to deletion: the one home for every write to an account. Every way
// an account is born (an admin, /setup, the environment's first admin, a first SSO sign-in,
// break-glass recovery) goes through `createAccount`; every role change through `changeRole`, which
// owns the last-active-admin rule for admins and providers' groups alike; every password through
// `setPassword`; and `deactivate`, `activate`, `deleteAccount`. Each runs inside the caller's
// transaction (the caller decides who may act, e.g. assertStillAdmin), writes its audit entry there,
// and ends what the revocation policy says (revocation.ts). users/directory.ts only reads.
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context";
import type { Queryable, Transaction } from "../../db/database";
import { Conflict } from "../../shared/errors";
import type { Role } from "../../shared/contract";
import type { AccountOrigin } from "../audit/actions";
import type { Actor } from "../audit/service";
import { deleteSessionsOf } from "../accounts/sessions";
import { deleteResetLinksOf } from "../password-reset/links";
import { voidInvitationsIssuedBy } from "../invitations/issued";
import { deleteIdentitiesOf } from "../sso/identities";
import { deleteTokensOf } from "../tokens/service";
import { dropMembershipsOfUser } from "../groups/cascade";
import { deleteGrantsOf } from "../oauth/grants";
import { clearSecondFactors } from "../mfa/second-step";
import {
  countActiveAdmins,
  deleteUserRow,
  findUserByEmail,
  findUserById,
  insertUser,
  setLastLogin,
  setDescription,
  setPasswordChangeRequired,
  setPasswordHash,
  setUserActive,
  updateUserProfile,
  type UserRow,
} from "./repository";
import { revokeAccess } from "./revocation";

export const SAFEGUARD = {
  deactivateSelf: "Cannot deactivate yourself",
  deleteSelf: "Cannot delete yourself",
  demoteLastAdmin: "Cannot demote the last active admin",
  deactivateLastAdmin: "Cannot deactivate the last active admin",
  deleteLastAdmin: "Cannot delete the last active admin",
} as const;

/**
 * Who makes a change, from where, and (when they act on themselves) the session to keep.
 * `authorise` (an admin's call: are they still an active admin?) runs after the safeguards and
 * before any write, so two admins racing each other hear the safeguard (409), not a 403.
 */
export type ChangeBy = { actor: Actor; ip: string | null; keepSessionId?: string | null; authorise?: () => Promise<void> };
/** What only a service account has: it is made by an admin, for a purpose. */
export type ServiceAccountFields = { description: string; createdBy: string | null };

/** A service account's description (its name and role change through changeProfile). */
export async function changeDescription(ctx: AccountCtx, tx: Transaction, row: UserRow, description: string, by: ChangeBy): Promise<void> {
  if (description === row.description) return;
  await by.authorise?.();
  await setDescription(tx, row.id, description, ctx.clock.now());
  await ctx.audit.record(tx, { actor: by.actor, action: "user.update", target: row.id, params: { changed: ["description"] }, ip: by.ip });
}

/** A change the provider's groups make at a sign-in. */
type GroupsChange = { via: "oidc_groups"; provider: string };

type AccountCtx = Pick<AppContext, "clock" | "audit">;

/** Thrown by changeRole and deactivate: the change would leave the instance with no active admin. */
export class LastAdminConflict extends Conflict {}

/** True when `row` is an active admin and nobody else is: removing them would leave no active admin. */
export async function isLastActiveAdmin(q: Queryable, row: UserRow): Promise<boolean> {
  return row.kind === "person" && row.active && row.role === "admin" && (await countActiveAdmins(q)) <= 1;
}

export async function createAccount(
  ctx: AccountCtx,
  tx: Transaction,
  input: {
    email: string;
    name: string;
    role: Role;
    passwordHash: string | null;
    via: AccountOrigin;
    provider?: string;
    service?: ServiceAccountFields;
    /** An admin chose the password: the person must replace it at their first sign-in. */
    mustChangePassword?: boolean;
  },
  by: ChangeBy,
): Promise<UserRow> {
  await by.authorise?.();
  if (await findUserByEmail(tx, input.email)) throw new Conflict("A user with this email already exists");
  const id = randomUUID();
  const { email, name, role, via, provider, service } = input;
  const kind = service ? "service" : "person";
  const now = ctx.clock.now();
  // A service account never has a password: nothing it could sign in with.
  const passwordHash = service ? null : input.passwordHash;
  await insertUser(tx, { id, email, name, role, passwordHash, now, kind, description: service?.description, createdBy: service?.createdBy });
  const mustChange = passwordHash !== null && input.mustChangePassword === true;
  if (mustChange) await setPasswordChangeRequired(tx, id, true, by.actor?.id ?? null, now);
  const params = {
    email,
    name,
    role,
    via,
    with_password: passwordHash !== null,
    ...(mustChange ? { must_change_password: true } : {}),
    ...(provider ? { provider } : {}),
    ...(service ? { kind: "service" as const } : {}),
  };
  await ctx.audit.record(tx, { actor: by.actor, action: "user.create", target: id, params, ip: by.ip });
  return (await findUserById(tx, id))!;
}

/** Name and role together (one audit entry); a role change ends what the policy says. */
export async function changeProfile(
  ctx: AccountCtx,
  tx: Transaction,
  before: UserRow,
  after: { name: string; role: Role },
  by: ChangeBy & Partial<GroupsChange>,
): Promise<void> {
  const changed = (["name", "role"] as const).filter((field) => after[field] !== before[field]);
  if (changed.length === 0) return;
  const demoting = before.role === "admin" && after.role !== "admin";
  if (demoting && (await isLastActiveAdmin(tx, before))) throw new LastAdminConflict(SAFEGUARD.demoteLastAdmin);
  await by.authorise?.();
  await updateUserProfile(tx, before.id, { ...after, now: ctx.clock.now() });
  const params = {
    changed,
    ...(changed.includes("name") ? { name: { from: before.name, to: after.name } } : {}),
    ...(changed.includes("role") ? { role: { from: before.role, to: after.role } } : {}),
    ...(by.via ? { via: by.via, provider: by.provider } : {}),
  };
  await ctx.audit.record(tx, { actor: by.actor, action: "user.update", target: before.id, params, ip: by.ip });
  if (after.role !== before.role) await revokeAccess(ctx, tx, before.id, by.via ? "group_role_change" : "role_change", by.keepSessionId);
}

export function changeRole(ctx: AccountCtx, tx: Transaction, row: UserRow, role: Role, by: ChangeBy & Partial<GroupsChange>): Promise<void> {
  return changeProfile(ctx, tx, row, { name: row.name, role }, by);
}

export async function deactivate(ctx: AccountCtx, tx: Transaction, row: UserRow, by: ChangeBy & Partial<GroupsChange>): Promise<void> {
  if (!row.active) return;
  if (await isLastActiveAdmin(tx, row)) throw new LastAdminConflict(SAFEGUARD.deactivateLastAdmin);
  await by.authorise?.();
  await setUserActive(tx, row.id, false, by.actor?.id ?? null, ctx.clock.now());
  const params = { email: row.email, ...(by.via ? { via: by.via, provider: by.provider } : {}) };
  await ctx.audit.record(tx, { actor: by.actor, action: "user.deactivate", target: row.id, params, ip: by.ip });
  await revokeAccess(ctx, tx, row.id, by.via ? "groups_give_no_role" : "deactivation", by.keepSessionId);
}

export async function activate(ctx: AccountCtx, tx: Transaction, row: UserRow, by: ChangeBy): Promise<void> {
  if (row.active) return;
  await by.authorise?.();
  await setUserActive(tx, row.id, true, by.actor?.id ?? null, ctx.clock.now());
  await ctx.audit.record(tx, { actor: by.actor, action: "user.activate", target: row.id, params: { email: row.email }, ip: by.ip });
}

/**
 * How a password was set decides its audit entry; all of them end what the policy says. A password
 * an admin set must be changed by its owner before anything else (`mustChange`); one its owner chose
 * (a change, a reset link) lifts that.
 */
export type PasswordChange =
  | { event: "password_change"; sessionsEnded: number; via?: "profile" | "forced" }
  | { event: "password_reset" }
  | { event: "password_set_by_admin"; mustChange: boolean };

export async function setPassword(ctx: AccountCtx, tx: Transaction, userId: string, passwordHash: string, how: PasswordChange, by: ChangeBy): Promise<void> {
  // Whatever route got here (a reset link issued before, a page): a service account never has one.
  if ((await findUserById(tx, userId))?.kind === "service") throw new Conflict("A service account has no password: it uses tokens only");
  await by.authorise?.();
  const now = ctx.clock.now();
  await setPasswordHash(tx, userId, passwordHash, now);
  await revokeAccess(ctx, tx, userId, how.event, by.keepSessionId);
  const mustChange = how.event === "password_set_by_admin" && how.mustChange;
  await setPasswordChangeRequired(tx, userId, mustChange, by.actor?.id ?? null, now);
  const base = { actor: by.actor, target: userId, ip: by.ip };
  if (how.event === "password_change") {
    const params = { via: how.via ?? "profile", sessions_ended: how.sessionsEnded };
    await ctx.audit.record(tx, { ...base, action: "user.password_change", params });
  } else if (how.event === "password_reset") {
    await ctx.audit.record(tx, { ...base, action: "user.password_reset" });
  } else {
    await ctx.audit.record(tx, { ...base, action: "user.set_password", params: { must_change_password: mustChange } });
  }
}

/** Deletes the account and everything that let them in: sessions, tokens, reset links, identities. */
export async function deleteAccount(ctx: AccountCtx, tx: Transaction, row: UserRow, by: ChangeBy): Promise<void> {
  if (await isLastActiveAdmin(tx, row)) throw new LastAdminConflict(SAFEGUARD.deleteLastAdmin);
  await by.authorise?.();
  await deleteSessionsOf(tx, row.id);
  await deleteTokensOf(tx, row.id);
  await deleteGrantsOf(tx, row.id);
  await deleteResetLinksOf(tx, row.id);
  await voidInvitationsIssuedBy(tx, row.id, ctx.clock.now());
  await deleteIdentitiesOf(tx, row.id);
  await dropMembershipsOfUser(tx, row.id);
  await setPasswordChangeRequired(tx, row.id, false, null, ctx.clock.now());
  await clearSecondFactors(ctx, tx, row.id);
  await deleteUserRow(tx, row.id);
  await ctx.audit.record(tx, {
    actor: by.actor,
    action: "user.delete",
    target: row.id,
    params: { email: row.email, name: row.name, role: row.role },
    ip: by.ip,
  });
}

/**
 * Removes the person's second factors (authenticator app, recovery codes, passkeys): an admin's reset
 * for someone who lost them, or break-glass recovery. Their sessions end (the policy's
 * `second_factor_reset`); their next password sign-in asks for no code (and MFA_REQUIRED, if it
 * covers them, holds them to enrolling again).
 */
export async function resetSecondFactor(ctx: AccountCtx, tx: Transaction, row: UserRow, by: ChangeBy & { via: "admin" | "recovery" }): Promise<void> {
  await by.authorise?.();
  await clearSecondFactors(ctx, tx, row.id);
  if (by.via === "admin") await revokeAccess(ctx, tx, row.id, "second_factor_reset", by.keepSessionId);
  const params = { email: row.email, sessions_ended: by.via === "admin", via: by.via };
  await ctx.audit.record(tx, { actor: by.actor, action: "mfa.reset", target: row.id, params, ip: by.ip });
}

/** A successful sign-in (password, SSO or `da`). */
export async function recordSignIn(ctx: Pick<AppContext, "clock">, tx: Transaction, userId: string): Promise<void> {
  await setLastLogin(tx, userId, ctx.clock.now());
}
