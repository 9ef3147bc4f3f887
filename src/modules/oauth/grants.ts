// Connected apps: a person's live OAuth grants (one per authorization), listed on /profile and at
// GET /auth/oauth/grants, revoked by their owner or an admin, and ended by the account events
// REVOCATION_POLICY names (users/revocation.ts calls endGrantsOf). Also the two things the auth
// state and the activity recorder need from this module: the live access tokens at start, and the
// batched "last used" write.
import type { AppContext } from "../../context";
import type { Queryable, Transaction } from "../../db/database";
import type { AuthOAuthToken } from "../../auth/auth-state";
import type { Principal } from "../../auth/principal";
import { roleAtLeast } from "../../auth/roles";
import { NotFound } from "../../shared/errors";
import type { ConnectedApp } from "../../shared/agents";
import { redirectHost } from "./redirect-uris";
import {
  deleteGrantsOfUser,
  findGrant,
  listLiveAccessTokens,
  listLiveGrants,
  revokeGrant,
  revokeGrantsOfUser,
  scopesOf,
  setGrantAddresses,
  setGrantLastUsed,
} from "./repository";

/** Where each grant's addresses are kept in memory (a bounded cache in the MCP module). */
export type AddressBook = { get(grantId: string): Set<string> | undefined; set(grantId: string, addresses: Set<string>): unknown };

/** A grant's remembered addresses: enough to notice a new one, bounded so a roaming client cannot grow a row without end. */
const MAX_ADDRESSES = 20;

export async function listConnectedApps(ctx: AppContext, userId: string | null): Promise<ConnectedApp[]> {
  const rows = await listLiveGrants(ctx.db, userId, ctx.clock.now());
  return rows.map((row) => {
    const pending = ctx.activity.pendingGrant(row.id);
    const lastUsed = pending && (!row.last_used_at || pending.at > row.last_used_at) ? pending : null;
    return {
      id: row.id,
      client_id: row.client_id,
      client_name: row.client_name,
      redirect_hosts: [...new Set((JSON.parse(row.redirect_uris) as string[]).map(redirectHost))],
      scopes: [...scopesOf(row)],
      resource: row.resource,
      created_at: row.created_at.toISOString(),
      last_used_at: (lastUsed?.at ?? row.last_used_at)?.toISOString() ?? null,
      last_used_ip: lastUsed?.ip ?? row.last_used_ip,
      user_id: row.user_id,
      user_email: row.user_email,
    };
  });
}

/** The owner, or an admin, ends one grant: its tokens stop on the next request. 404 for anyone else's. */
export async function revokeConnectedApp(ctx: AppContext, me: Principal, grantId: string, ip: string | null): Promise<void> {
  const grant = await findGrant(ctx.db, grantId);
  const isAdmin = roleAtLeast(me.user.role, "admin");
  if (!grant || grant.revoked_at || (grant.user_id !== me.user.id && !isAdmin)) throw new NotFound("No such connected app");
  await ctx.db.transaction(async (tx) => {
    if (!(await revokeGrant(tx, grantId, ctx.clock.now(), grant.user_id === me.user.id ? "owner" : "admin"))) return;
    await ctx.audit.record(tx, {
      actor: { id: me.user.id, email: me.user.email },
      action: "oauth.grant_revoke",
      target: grant.user_id,
      params: { grant_id: grantId, client_id: grant.client_id, by: grant.user_id === me.user.id ? "owner" : "admin" },
      ip,
    });
  });
}

/** An account event ends every grant of the person (inside the event's transaction). */
export function endGrantsOf(tx: Transaction, userId: string, at: Date, reason: string): Promise<number> {
  return revokeGrantsOfUser(tx, userId, at, reason);
}

/** Deleting a person deletes their grants with them. */
export function deleteGrantsOf(tx: Transaction, userId: string): Promise<void> {
  return deleteGrantsOfUser(tx, userId);
}

/**
 * A use of an access token from an address this grant has not been used from: audited once. The
 * addresses are read from the grant once per process and then kept in `known`; only a new address
 * costs a write.
 */
export async function noteGrantAddress(ctx: AppContext, known: AddressBook, me: Principal, ip: string | null): Promise<void> {
  if (!me.oauth || !ip) return;
  const { grantId, clientId } = me.oauth;
  let addresses = known.get(grantId);
  if (!addresses) {
    const grant = await findGrant(ctx.db, grantId);
    addresses = new Set(grant ? (JSON.parse(grant.addresses) as string[]) : []);
    known.set(grantId, addresses);
  }
  if (addresses.has(ip)) return;
  addresses.add(ip);
  await ctx.db.transaction(async (tx) => {
    await setGrantAddresses(tx, grantId, [...addresses].slice(-MAX_ADDRESSES));
    await ctx.audit.record(tx, {
      actor: { id: me.user.id, email: me.user.email },
      action: "oauth.new_address",
      params: { grant_id: grantId, client_id: clientId, address: ip },
      ip,
    });
  });
}

export async function liveOAuthTokensForAuth(q: Queryable, now: Date): Promise<AuthOAuthToken[]> {
  return (await listLiveAccessTokens(q, now)).map((row) => ({
    id: row.id,
    grantId: row.grant_id,
    userId: row.user_id,
    clientId: row.client_id,
    tokenHash: row.token_hash,
    scopes: scopesOf(row),
    resource: row.resource,
    expiresAt: row.expires_at,
  }));
}

/** The activity recorder's batched "last used" write. */
export function writeGrantLastUsed(q: Queryable, id: string, at: Date, ip: string | null): Promise<void> {
  return setGrantLastUsed(q, id, at, ip);
}
