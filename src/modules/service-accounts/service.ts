// Service accounts: non-person accounts for CI and agents, owned by the admins. Each is a row of
// `users` with kind "service" (so it joins groups and grants like a person), made and changed only
// through the account lifecycle (users/lifecycle.ts): no password, no SSO identity, never a session
// (accounts/sessions.ts refuses), outside the last-admin rule. Its tokens are ordinary personal
// access tokens owned by it, so it keeps working when the admin who made it leaves.
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context";
import type { Queryable, Transaction } from "../../db/database";
import type { Principal } from "../../auth/principal";
import { roleAtLeast } from "../../auth/roles";
import { BadRequest, Conflict, NotFound } from "../../shared/errors";
import { DEFAULT_ROLE } from "../../shared/contract";
import type { ServiceAccount } from "../../shared/agents";
import { findUser, listServiceAccountRows, type UserRow } from "../users/directory";
import { activate, changeDescription, changeProfile, createAccount, deactivate, deleteAccount, type ChangeBy } from "../users/lifecycle";
import { assertStillAdmin, parseRole, type AdminCall } from "../users/service";
import { activeTokenCounts } from "../tokens/service";
import { groupNamesOf } from "../groups/access-report";

const MAX_NAME = 100;
const MAX_DESCRIPTION = 500;
/** Service accounts need a unique `users.email`; this domain can never receive mail or be verified by a provider. */
const SERVICE_EMAIL_DOMAIN = "service-accounts.agnes.invalid";

/** `groups`: the names of the groups it is in, as for a person (Everyone while it is active). */
function toServiceAccount(ctx: AppContext, row: UserRow, tokenCount: number): ServiceAccount {
  const { id, name, description, role, active, created_by } = row;
  const groups = groupNamesOf(ctx, id);
  return { id, name, description, role, groups, active, created_by, created_at: row.created_at.toISOString(), token_count: tokenCount };
}

function normaliseName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new BadRequest('Give the service account a name, e.g. what runs as it ("nightly-etl", "ci")');
  if (trimmed.length > MAX_NAME) throw new BadRequest(`The name must be at most ${MAX_NAME} characters`);
  return trimmed;
}

function normaliseDescription(text: string | undefined): string {
  const trimmed = (text ?? "").trim();
  if (trimmed.length > MAX_DESCRIPTION) throw new BadRequest(`The description must be at most ${MAX_DESCRIPTION} characters`);
  return trimmed;
}

/** A service account, or 404 (a person's id is not a service account's). */
export async function findServiceAccount(q: Queryable, id: string): Promise<UserRow> {
  const row = await findUser(q, id);
  if (row?.kind !== "service") throw new NotFound("Service account not found");
  return row;
}

async function assertNameFree(q: Queryable, name: string, except: string | null): Promise<void> {
  const taken = (await listServiceAccountRows(q)).some((row) => row.name.toLowerCase() === name.toLowerCase() && row.id !== except);
  if (taken) throw new Conflict(`A service account named "${name}" already exists`);
}

const changeBy = (tx: Transaction, call: AdminCall): ChangeBy => ({ actor: call.actor, ip: call.ip, authorise: () => assertStillAdmin(tx, call) });

async function one(ctx: AppContext, row: UserRow): Promise<ServiceAccount> {
  const counts = await activeTokenCounts(ctx.db, [row.id], ctx.clock.now());
  return toServiceAccount(ctx, row, counts.get(row.id) ?? 0);
}

export async function listServiceAccounts(ctx: AppContext): Promise<ServiceAccount[]> {
  const rows = await listServiceAccountRows(ctx.db);
  const counts = await activeTokenCounts(
    ctx.db,
    rows.map((r) => r.id),
    ctx.clock.now(),
  );
  return rows.map((row) => toServiceAccount(ctx, row, counts.get(row.id) ?? 0));
}

export async function getServiceAccount(ctx: AppContext, id: string): Promise<ServiceAccount> {
  return one(ctx, await findServiceAccount(ctx.db, id));
}

export async function createServiceAccount(
  ctx: AppContext,
  call: AdminCall,
  input: { name: string; description?: string; role?: string },
): Promise<ServiceAccount> {
  const name = normaliseName(input.name);
  const description = normaliseDescription(input.description);
  const role = input.role === undefined ? DEFAULT_ROLE : parseRole(input.role);
  const row = await ctx.db.transaction(async (tx) => {
    await assertNameFree(tx, name, null);
    const email = `${randomUUID()}@${SERVICE_EMAIL_DOMAIN}`;
    const service = { description, createdBy: call.actor.id };
    return createAccount(ctx, tx, { email, name, role, passwordHash: null, via: "admin", service }, changeBy(tx, call));
  });
  return one(ctx, row);
}

export async function updateServiceAccount(
  ctx: AppContext,
  call: AdminCall,
  id: string,
  input: { name?: string; description?: string; role?: string; active?: boolean },
): Promise<ServiceAccount> {
  const row = await ctx.db.transaction(async (tx) => {
    const before = await findServiceAccount(tx, id);
    const by = changeBy(tx, call);
    const name = input.name === undefined ? before.name : normaliseName(input.name);
    if (name !== before.name) await assertNameFree(tx, name, before.id);
    const role = input.role === undefined ? before.role : parseRole(input.role);
    await changeProfile(ctx, tx, before, { name, role }, by);
    if (input.description !== undefined) await changeDescription(ctx, tx, before, normaliseDescription(input.description), by);
    if (input.active === false) await deactivate(ctx, tx, before, by);
    if (input.active === true) await activate(ctx, tx, before, by);
    return findServiceAccount(tx, id);
  });
  return one(ctx, row);
}

export async function deleteServiceAccount(ctx: AppContext, call: AdminCall, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => deleteAccount(ctx, tx, await findServiceAccount(tx, id), changeBy(tx, call)));
}

/** Rotation's extra rule (tokens/rotation.ts): an admin may rotate a service account's token. */
export async function mayRotateServiceToken(tx: Transaction, actor: Principal, row: { user_id: string }): Promise<boolean> {
  if (!roleAtLeast(actor.user.role, "admin")) return false;
  return (await findUser(tx, row.user_id))?.kind === "service";
}
