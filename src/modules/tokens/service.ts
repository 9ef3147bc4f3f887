// Personal access tokens: create, list, revoke. The rules live here:
// - ids are 128 random bits in hex; `prefix` is the first 8 hex characters of the id, so it says
//   which token it is without revealing anything of the secret (and never looks like a JWT's `eyJ`);
// - only SHA-256(token) is stored; the raw token leaves this file once, in createToken's result;
// - every change writes its audit entry in the same transaction; the write registers its auth effect
//   on the transaction, applied right after the commit, so a revocation takes effect on the very
//   next request.
import { randomBytes } from "node:crypto";
import type { AppContext } from "../../context";
import type { Queryable, Transaction } from "../../db/database";
import { actorOf, type Principal } from "../../auth/principal";
import type { AuthToken } from "../../auth/auth-state";
import { generatePat, hashSecret } from "../../auth/pat-format";
import { normaliseScopes, parseStoredCidrs, parseStoredScopes } from "../../auth/scopes";
import { normaliseCidrs } from "../../auth/networks-allowed";
import { BadRequest, NotFound } from "../../shared/errors";
import {
  DEFAULT_TOKEN_LIFETIME_DAYS,
  TOKEN_LIFETIME_CHOICES_DAYS,
  type AdminToken,
  type CreatedToken,
  type Token,
  type TokenScope,
  type TokenStateFilter,
} from "../../shared/contract";
import {
  countActiveTokensOfUser,
  deleteTokensOfUser,
  revokeTokensOfUser,
  findToken,
  findTokenWithOwner,
  insertToken,
  listAllTokens,
  listLiveTokens,
  setTokenLastUsed,
  listTokensOfUser,
  listTokensOfUserForPage,
  setTokenRevoked,
  type AdminTokenRow,
  type TokenRow,
} from "./repository";

export const MAX_NAME_LENGTH = 100;
/** Active (unrevoked, unexpired) tokens one person may hold: enough for every machine and CI job. */
export const MAX_ACTIVE_TOKENS = 100;
/** Without PAT_MAX_DAYS a lifetime is still bounded (100 years), so the date arithmetic stays sane. */
export const ABSOLUTE_MAX_DAYS = 36_500;
export const DAY_MS = 86_400_000;

type Actor = Pick<Principal, "user" | "tokenId">;

export function iso(at: Date | null): string | null {
  return at ? at.toISOString() : null;
}

export function tokenJson(ctx: AppContext, row: TokenRow): Token {
  const pending = ctx.activity.pendingToken(row.id);
  const lastUsed = pending && (!row.last_used_at || pending.at > row.last_used_at) ? pending.at : row.last_used_at;
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: parseStoredScopes(row.scopes),
    allowed_cidrs: parseStoredCidrs(row.allowed_cidrs),
    created_at: row.created_at.toISOString(),
    expires_at: iso(row.expires_at),
    last_used_at: iso(lastUsed),
    revoked_at: iso(row.revoked_at),
  };
}

function adminTokenJson(ctx: AppContext, row: AdminTokenRow): AdminToken {
  return { ...tokenJson(ctx, row), user_id: row.user_id, user_email: row.user_email ?? "" };
}

/** The longest lifetime anyone may ask for, in days; null = no operator limit. */
export function lifetimeLimit(ctx: AppContext): number | null {
  return ctx.config.patMaxDays;
}

/** `undefined` = the default lifetime; `null` = never expires (refused when PAT_MAX_DAYS is set). */
export function resolveLifetime(ctx: AppContext, days: number | null | undefined): number | null {
  const limit = lifetimeLimit(ctx);
  if (days === undefined) return Math.min(DEFAULT_TOKEN_LIFETIME_DAYS, limit ?? DEFAULT_TOKEN_LIFETIME_DAYS);
  if (days === null) {
    if (limit !== null) throw new BadRequest(`Tokens must expire: this server allows at most ${limit} days (PAT_MAX_DAYS)`);
    return null;
  }
  if (!Number.isInteger(days) || days < 1) throw new BadRequest("expires_in_days must be a whole number of at least 1");
  if (limit !== null && days > limit) throw new BadRequest(`expires_in_days is above this server's limit of ${limit} days (PAT_MAX_DAYS)`);
  if (days > ABSOLUTE_MAX_DAYS) throw new BadRequest(`expires_in_days must be at most ${ABSOLUTE_MAX_DAYS}, or null for a token that never expires`);
  return days;
}

export function normaliseTokenName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new BadRequest('Give the token a name, e.g. what it is for ("laptop", "CI")');
  if (trimmed.length > MAX_NAME_LENGTH) throw new BadRequest(`The token name must be at most ${MAX_NAME_LENGTH} characters`);
  return trimmed;
}

/** A new token's row and its secret (shown once): a fresh id and secret, only the hash kept. */
export function newTokenRow(owner: string, spec: { name: string; scopes: TokenScope[]; expiresAt: Date | null; allowedCidrs: string[] }, now: Date) {
  const id = randomBytes(16).toString("hex");
  const token = generatePat();
  const row = {
    id,
    userId: owner,
    name: spec.name,
    tokenHash: hashSecret(token),
    prefix: id.slice(0, 8),
    createdAt: now,
    expiresAt: spec.expiresAt,
    scopes: spec.scopes,
    allowedCidrs: spec.allowedCidrs,
  };
  const created: CreatedToken = {
    id,
    name: spec.name,
    prefix: row.prefix,
    token,
    scopes: spec.scopes,
    allowed_cidrs: spec.allowedCidrs,
    expires_at: iso(spec.expiresAt),
    created_at: now.toISOString(),
  };
  return { row, created };
}

/**
 * Creates a token for `me`, or (`owner`, checked by the caller) for a service account. Audited as
 * `token.create` by whoever made it.
 */
export async function createToken(
  ctx: AppContext,
  me: Actor,
  input: { name: string; expiresInDays: number | null | undefined; scopes?: readonly string[]; allowedCidrs?: readonly string[]; owner?: string },
  ip: string | null,
): Promise<CreatedToken> {
  const name = normaliseTokenName(input.name);
  const days = resolveLifetime(ctx, input.expiresInDays);
  const scopes = normaliseScopes(input.scopes);
  const allowedCidrs = normaliseCidrs(input.allowedCidrs);
  const now = ctx.clock.now();
  const owner = input.owner ?? me.user.id;
  const { row, created } = newTokenRow(owner, { name, scopes, allowedCidrs, expiresAt: days === null ? null : new Date(now.getTime() + days * DAY_MS) }, now);
  await ctx.db.transaction(async (tx) => {
    // Counted inside the transaction (one writer at a time), so parallel creates cannot overshoot.
    if ((await countActiveTokensOfUser(tx, owner, now)) >= MAX_ACTIVE_TOKENS) {
      throw new BadRequest(`There are already ${MAX_ACTIVE_TOKENS} active tokens: revoke one no longer used, then create this one`);
    }
    await insertToken(tx, row);
    const params = { id: row.id, name, prefix: row.prefix, expires_at: iso(row.expiresAt), scopes };
    await ctx.audit.record(tx, { actor: actorOf(me), action: "token.create", target: row.id, params, ip });
  });
  return created;
}

export async function listOwnTokens(ctx: AppContext, userId: string): Promise<Token[]> {
  return (await listTokensOfUser(ctx.db, userId)).map((row) => tokenJson(ctx, row));
}

/** Revoked or expired tokens the profile page lists below the working ones; older ones are counted. */
export const PROFILE_INACTIVE_TOKENS = 20;

export async function listOwnTokensForPage(ctx: AppContext, userId: string): Promise<{ tokens: Token[]; olderInactive: number }> {
  const { rows, olderInactive } = await listTokensOfUserForPage(ctx.db, userId, ctx.clock.now(), PROFILE_INACTIVE_TOKENS);
  return { tokens: rows.map((row) => tokenJson(ctx, row)), olderInactive };
}

/** Someone else's token answers exactly like an unknown one: 404, so ids cannot be probed. */
export async function getOwnToken(ctx: AppContext, userId: string, id: string): Promise<Token> {
  const row = await findToken(ctx.db, id);
  if (!row || row.user_id !== userId) throw new NotFound("Token not found");
  return tokenJson(ctx, row);
}

export async function listAdminTokens(
  ctx: AppContext,
  filter: { user?: string; ownerSubstring?: boolean; state: TokenStateFilter; limit: number; offset: number },
): Promise<{ tokens: AdminToken[]; total: number }> {
  const user = filter.user?.trim() ? filter.user.trim() : null;
  const { rows, total } = await listAllTokens(ctx.db, { ...filter, user, now: ctx.clock.now() });
  return { tokens: rows.map((row) => adminTokenJson(ctx, row)), total };
}

export async function getAnyToken(ctx: AppContext, id: string): Promise<AdminToken> {
  const row = await findTokenWithOwner(ctx.db, id);
  if (!row) throw new NotFound("Token not found");
  return adminTokenJson(ctx, row);
}

/**
 * Revokes a token. `ownerOnly` limits it to the actor's own tokens (someone else's → 404).
 * Revoking an already revoked token succeeds and changes nothing (idempotent: the first
 * revocation time and audit entry stand). Returns the token's name for messages.
 */
export async function revokeToken(
  ctx: AppContext,
  actor: Actor,
  id: string,
  opts: { ownerOnly: boolean; ip: string | null },
): Promise<{ name: string; alreadyRevoked: boolean }> {
  const result = await ctx.db.transaction(async (tx) => {
    const row = await findToken(tx, id);
    if (!row || (opts.ownerOnly && row.user_id !== actor.user.id)) throw new NotFound("Token not found");
    if (row.revoked_at) return { name: row.name, alreadyRevoked: true };
    await setTokenRevoked(tx, id, ctx.clock.now());
    await ctx.audit.record(tx, {
      actor: actorOf(actor),
      action: opts.ownerOnly ? "token.revoke" : "token.admin_revoke",
      target: id,
      params: { id, name: row.name, prefix: row.prefix, owner_id: row.user_id },
      ip: opts.ip,
    });
    return { name: row.name, alreadyRevoked: false };
  });
  return result;
}

/** For break-glass recovery: every working token of the user is revoked (kept in the list as revoked). */
export function revokeTokensOf(tx: Transaction, userId: string, now: Date): Promise<number> {
  return revokeTokensOfUser(tx, userId, now);
}

/** For deleting the user: their tokens go with them (and stop authenticating at the commit). */
export async function deleteTokensOf(tx: Transaction, userId: string): Promise<void> {
  await deleteTokensOfUser(tx, userId);
}

export type LifetimeOption = { value: string; label: string; selected: boolean };

/**
 * The lifetimes the profile offers (the shared choices and "never"), without the ones PAT_MAX_DAYS
 * forbids (and with the limit itself when it is not one of those).
 */
export function lifetimeOptions(ctx: AppContext): LifetimeOption[] {
  const limit = lifetimeLimit(ctx);
  const days: number[] = TOKEN_LIFETIME_CHOICES_DAYS.filter((d) => limit === null || d <= limit);
  if (limit !== null && !days.includes(limit)) days.push(limit);
  const fallback = resolveLifetime(ctx, undefined);
  const options = days.map((d) => ({ value: String(d), label: `${d} days`, selected: d === fallback }));
  if (limit === null) options.push({ value: "never", label: "Never expires", selected: false });
  return options;
}

/** The create form's select value → days for resolveLifetime ("never" → null). */
export function lifetimeFromForm(value: string | undefined): number | null | undefined {
  if (value === undefined || value === "") return undefined;
  if (value === "never") return null;
  if (!/^\d{1,9}$/.test(value)) throw new BadRequest("Choose how long the token should last");
  return Number(value);
}

/** Live tokens as the auth state holds them (its loader, accounts/auth-records.ts). */
export async function liveTokensForAuth(q: Queryable, now: Date): Promise<AuthToken[]> {
  const rows = await listLiveTokens(q, now);
  return rows.map((t) => ({
    id: t.id,
    userId: t.user_id,
    tokenHash: t.token_hash,
    expiresAt: t.expires_at,
    scopes: parseStoredScopes(t.scopes),
    allowedCidrs: parseStoredCidrs(t.allowed_cidrs),
  }));
}

/** A refused use of a token from outside its networks, as the owner's profile shows it. */
export type BlockedUse = { name: string; ip: string; at: string };

/** The latest refused use of each working token that names networks (from the audit trail). */
export async function blockedUsesOf(ctx: AppContext, tokens: Token[]): Promise<BlockedUse[]> {
  const uses: BlockedUse[] = [];
  for (const token of tokens.filter((x) => x.allowed_cidrs.length > 0 && !x.revoked_at)) {
    const { entries } = await ctx.audit.list(ctx.db, { action: "token.blocked_ip", target: token.id, limit: 1, offset: 0 });
    for (const entry of entries) uses.push({ name: token.name, ip: String(entry.params.ip), at: entry.created_at });
  }
  return uses;
}

/** How many working tokens each of `userIds` holds (service accounts' `token_count`). */
export async function activeTokenCounts(q: Queryable, userIds: string[], now: Date): Promise<Map<string, number>> {
  return new Map(await Promise.all(userIds.map(async (id) => [id, await countActiveTokensOfUser(q, id, now)] as const)));
}

/** The activity recorder's batched "last used" write. */
export function writeTokenLastUsed(q: Queryable, id: string, at: Date, ip: string | null): Promise<void> {
  return setTokenLastUsed(q, id, at, ip);
}
