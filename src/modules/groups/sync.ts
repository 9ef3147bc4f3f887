// Identity-provider group sync (OIDC_<ID>_GROUP_SYNC=on): at every sign-in through the provider, the
// person's memberships in that provider's groups (groups.source = provider id) follow the groups
// claim — a group is created on first sight, named as the provider names it; memberships are joined
// and left. Memberships an admin made by hand (source "agnes") are never touched. Runs in the
// sign-in's transaction, so a refused sign-in changes nothing, and each change is audited.
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context";
import type { Transaction } from "../../db/database";
import { GROUP_NAME_MAX } from "../../shared/groups";
import { insertGroup, listGroupsOfSource, listMembershipsOf, type GroupRow } from "./repository";
import { addMembership, removeMembership } from "./memberships";

export type SyncedProvider = { id: string; groupFilter: RegExp | null };
type Person = { id: string; email: string };

/** How a provider's groups claim reads: a string is one group, an array is many, absent is none. */
export type GroupsClaim = { names: string[] } | { overage: number };

/**
 * The claim as group names: strings only, trimmed, without control characters or overlong entries,
 * filtered by OIDC_<ID>_GROUP_FILTER, deduplicated without case. More than `limit` entries (before
 * filtering: the provider sent them all) is an overage, as is Entra's `_claim_names` pointer that
 * replaces the claim when a person is in too many groups.
 */
export function readGroupsClaim(claims: Record<string, unknown>, claim: string, filter: RegExp | null, limit: number): GroupsClaim {
  const pointers = claims._claim_names;
  if (pointers && typeof pointers === "object" && claim in pointers) return { overage: Number.POSITIVE_INFINITY };
  const value = claims[claim];
  const raw = typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
  if (raw.length > limit) return { overage: raw.length };
  const seen = new Map<string, string>();
  for (const entry of raw) {
    if (typeof entry !== "string") continue;
    const name = entry.normalize("NFC").trim();
    if (name === "" || name.length > GROUP_NAME_MAX || /[\p{Cc}\p{Cf}]/u.test(name)) continue;
    if (filter && !filter.test(name)) continue;
    if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  }
  return { names: [...seen.values()] };
}

export async function syncGroups(
  ctx: AppContext,
  tx: Transaction,
  provider: SyncedProvider,
  person: Person,
  names: string[],
  ip: string | null,
): Promise<void> {
  const by = { actor: { id: person.id, email: person.email }, ip };
  const known = new Map((await listGroupsOfSource(tx, provider.id)).map((g) => [g.name.toLowerCase(), g]));
  const wanted = new Set<string>();
  for (const name of names) {
    const group = known.get(name.toLowerCase()) ?? (await createSyncedGroup(ctx, tx, provider.id, name, by));
    wanted.add(group.id);
    await addMembership(ctx, tx, { group, user: person, source: provider.id }, by);
  }
  const byId = new Map([...known.values()].map((g) => [g.id, g]));
  for (const membership of await listMembershipsOf(tx, person.id)) {
    const group = byId.get(membership.group_id);
    if (!group || wanted.has(group.id) || membership.source !== provider.id) continue;
    await removeMembership(ctx, tx, { group, user: person, source: provider.id }, by);
  }
}

async function createSyncedGroup(ctx: AppContext, tx: Transaction, source: string, name: string, by: { actor: Person; ip: string | null }): Promise<GroupRow> {
  const row = { id: randomUUID(), name, description: "", source, created_at: ctx.clock.now() };
  await insertGroup(tx, row);
  await ctx.audit.record(tx, { actor: by.actor, action: "group.create", target: row.id, params: { name, source }, ip: by.ip });
  return { ...row, member_count: 0 };
}
