// The token endpoint's rules (RFC 6749 §4.1.3 and §6, OAuth 2.1, RFC 8707):
// - a code is redeemed once, within 60 s, by the client it was issued to, with the same redirect
//   URI, the PKCE verifier whose S256 hash is the challenge, and (when sent) the same resource; a
//   replayed code ends the grant it produced;
// - a refresh token is single-use: every refresh rotates it (and renews its OAUTH_REFRESH_DAYS),
//   and presenting a rotated one again ends the whole family (the grant), audited;
// - access tokens live OAUTH_ACCESS_MINUTES and are known to the auth state (no database read per
//   request); both kinds are stored only as SHA-256 hashes.
// Each redemption is one transaction: check and write happen under the database's one writer.
import { createHash, randomBytes } from "node:crypto";
import type { AppContext } from "../../context";
import type { Transaction } from "../../db/database";
import { generateOAuthSecret, isOAuthSecret } from "../../auth/oauth-format";
import { hashSecret } from "../../auth/pat-format";
import { sameSecret } from "../../shared/signing";
import type { AuthorizationCodes, PendingCode } from "./codes";
import { OAuthError } from "./oauth-error";
import type { TokenForm } from "./model";
import {
  findClient,
  findGrant,
  findTokenByHash,
  insertAccessToken,
  insertGrant,
  insertRefreshToken,
  markRefreshUsed,
  revokeGrant,
  scopesOf,
  touchClient,
  type GrantRow,
} from "./repository";

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const DAY_MS = 86_400_000;

export type TokenResponse = { access_token: string; token_type: "Bearer"; expires_in: number; refresh_token: string; scope: string };
type Caller = { ip: string | null; resource: string };

const invalidGrant = (why: string) => new OAuthError("invalid_grant", why);

export async function redeemCode(ctx: AppContext, codes: AuthorizationCodes, form: TokenForm, caller: Caller): Promise<TokenResponse> {
  if (!form.code || !form.client_id || !form.redirect_uri || !form.code_verifier) {
    throw new OAuthError("invalid_request", "code, client_id, redirect_uri and code_verifier are required");
  }
  const taken = codes.take(form.code);
  if (taken.kind === "replayed") {
    if (taken.grantId) await endFamily(ctx, taken.grantId, "authorization_code_reuse", caller.ip);
    throw invalidGrant("This authorization code was already used");
  }
  if (taken.kind === "unknown") throw invalidGrant("The authorization code is unknown or expired");
  const code = taken.code;
  checkCodeBinding(code, form, caller);
  const grantId = randomBytes(16).toString("hex");
  const response = await ctx.db.transaction(async (tx) => {
    // Inside the transaction: the queue applies each transaction's auth effects before the next
    // starts, so a sign-out, password or role change or deactivation committed while this request
    // waited is seen here, and no grant is written that the event did not end.
    assertConsentStillGood(ctx, code);
    const client = await findClient(tx, code.clientId);
    if (!client) throw new OAuthError("invalid_client", "The client is no longer registered");
    await insertGrant(tx, {
      id: grantId,
      user_id: code.userId,
      client_id: code.clientId,
      scopes: code.scopes.join(" "),
      resource: code.resource,
      created_at: ctx.clock.now(),
      addresses: JSON.stringify(caller.ip ? [caller.ip] : []),
    });
    await touchClient(tx, client.id, ctx.clock.now());
    const user = ctx.authState.user(code.userId)!;
    await ctx.audit.record(tx, {
      actor: { id: user.id, email: user.email },
      action: "oauth.grant",
      params: { grant_id: grantId, client_id: client.id, client_name: client.name, scopes: code.scopes, resource: code.resource },
      ip: caller.ip,
    });
    return issueTokens(ctx, tx, { id: grantId, user_id: code.userId, client_id: code.clientId, scopes: code.scopes.join(" "), resource: code.resource });
  });
  if (codes.produced(form.code, grantId)) {
    await endFamily(ctx, grantId, "authorization_code_reuse", caller.ip);
    throw invalidGrant("This authorization code was used twice; the access it gave has been revoked");
  }
  return response;
}

function checkCodeBinding(code: PendingCode, form: TokenForm, caller: Caller): void {
  if (code.clientId !== form.client_id) throw invalidGrant("The authorization code was issued to another client");
  if (code.redirectUri !== form.redirect_uri) throw invalidGrant("redirect_uri is not the one the code was issued for");
  if (!VERIFIER.test(form.code_verifier!) || !sameSecret(createHash("sha256").update(form.code_verifier!).digest("base64url"), code.codeChallenge)) {
    throw invalidGrant("code_verifier does not match the code_challenge");
  }
  if (form.resource !== undefined && form.resource !== code.resource) throw new OAuthError("invalid_target", "resource is not the one the code was issued for");
  if (code.resource !== caller.resource) throw new OAuthError("invalid_target", "The code was issued for another resource");
}

/**
 * The consent's session and the account must still be good: a sign-out, a password or role change
 * or a deactivation since then voids the code (users/revocation.ts).
 */
function assertConsentStillGood(ctx: AppContext, code: PendingCode): void {
  const user = ctx.authState.user(code.userId);
  const session = ctx.authState.session(code.sessionId);
  if (!user?.active || !session || session.expiresAt <= ctx.clock.now()) throw invalidGrant("The sign-in that approved this code has ended");
}

export async function refreshTokens(ctx: AppContext, form: TokenForm, caller: Caller): Promise<TokenResponse> {
  if (!form.refresh_token || !form.client_id) throw new OAuthError("invalid_request", "refresh_token and client_id are required");
  if (!isOAuthSecret("refresh", form.refresh_token)) throw invalidGrant("The refresh token is not valid");
  const hash = hashSecret(form.refresh_token);
  const outcome = await ctx.db.transaction(async (tx) => {
    const token = await findTokenByHash(tx, hash);
    const grant = token?.kind === "refresh" ? await findGrant(tx, token.grant_id) : null;
    if (!token || !grant || grant.revoked_at) return { error: invalidGrant("The refresh token is not valid") };
    if (grant.client_id !== form.client_id) return { error: invalidGrant("The refresh token was issued to another client") };
    if (token.used_at) return { reused: grant };
    const now = ctx.clock.now();
    if (token.expires_at <= now || !ctx.authState.user(grant.user_id)?.active) return { error: invalidGrant("The refresh token has expired") };
    checkRequestedResource(form, grant);
    checkRequestedScope(form, grant);
    await markRefreshUsed(tx, token.id, now);
    await touchClient(tx, grant.client_id, now);
    return { tokens: await issueTokens(ctx, tx, grant) };
  });
  if ("reused" in outcome) {
    await endFamily(ctx, outcome.reused!.id, "refresh_token_reuse", caller.ip);
    throw invalidGrant("The refresh token was already used; this app's access has been revoked");
  }
  if ("error" in outcome) throw outcome.error;
  return outcome.tokens;
}

function checkRequestedResource(form: TokenForm, grant: GrantRow): void {
  if (form.resource !== undefined && form.resource !== grant.resource) throw new OAuthError("invalid_target", "resource is not the one this grant is for");
}

function checkRequestedScope(form: TokenForm, grant: GrantRow): void {
  if (form.scope === undefined) return;
  const granted = new Set(scopesOf(grant));
  if (form.scope.split(" ").some((s) => s && !granted.has(s as never)))
    throw new OAuthError("invalid_scope", "A refresh may not ask for more than was granted");
}

async function issueTokens(
  ctx: AppContext,
  tx: Transaction,
  grant: Pick<GrantRow, "id" | "user_id" | "client_id" | "scopes" | "resource">,
): Promise<TokenResponse> {
  const now = ctx.clock.now();
  const { accessMinutes, refreshDays } = ctx.config.oauth;
  const access = generateOAuthSecret("access");
  const refresh = generateOAuthSecret("refresh");
  await insertAccessToken(
    tx,
    {
      id: randomBytes(16).toString("hex"),
      grantId: grant.id,
      userId: grant.user_id,
      clientId: grant.client_id,
      tokenHash: hashSecret(access),
      scopes: scopesOf(grant),
      resource: grant.resource,
      expiresAt: new Date(now.getTime() + accessMinutes * 60_000),
    },
    now,
  );
  const refreshExpires = new Date(now.getTime() + refreshDays * DAY_MS);
  await insertRefreshToken(tx, { id: randomBytes(16).toString("hex"), grantId: grant.id, tokenHash: hashSecret(refresh), expiresAt: refreshExpires }, now);
  return { access_token: access, token_type: "Bearer", expires_in: accessMinutes * 60, refresh_token: refresh, scope: grant.scopes };
}

/** A stolen code or refresh token was presented again: end the whole family, audited. */
async function endFamily(ctx: AppContext, grantId: string, reason: "refresh_token_reuse" | "authorization_code_reuse", ip: string | null): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const grant = await findGrant(tx, grantId);
    if (!grant || !(await revokeGrant(tx, grantId, ctx.clock.now(), reason))) return;
    const owner = ctx.authState.user(grant.user_id);
    await ctx.audit.record(tx, {
      actor: owner ? { id: owner.id, email: owner.email } : null,
      action: "oauth.family_revoked",
      params: { grant_id: grantId, client_id: grant.client_id, reason },
      ip,
    });
  });
}

/** RFC 7009: an access or refresh token ends its whole grant. Unknown tokens are not an error; true when one was ended. */
export async function revokeByToken(ctx: AppContext, token: string, clientId: string | undefined, ip: string | null): Promise<boolean> {
  if (!isOAuthSecret("access", token) && !isOAuthSecret("refresh", token)) return false;
  return ctx.db.transaction(async (tx) => {
    const row = await findTokenByHash(tx, hashSecret(token));
    const grant = row ? await findGrant(tx, row.grant_id) : null;
    // A public client proves nothing but its id; another client's token is left alone (RFC 7009 §2.1).
    if (!grant || grant.revoked_at || (clientId !== undefined && clientId !== grant.client_id)) return false;
    await revokeGrant(tx, grant.id, ctx.clock.now(), "client");
    const owner = ctx.authState.user(grant.user_id);
    await ctx.audit.record(tx, {
      actor: owner ? { id: owner.id, email: owner.email } : null,
      action: "oauth.grant_revoke",
      target: grant.user_id,
      params: { grant_id: grant.id, client_id: grant.client_id, by: "client" },
      ip,
    });
    return true;
  });
}
