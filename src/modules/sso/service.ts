// Signing in with a provider's verified claims: which account, whether it may sign in, its role.
//
// Identity rule: an account is found by (issuer, sub) once bound. Before that, it is matched by the
// provider-verified email (the one email rule: trimmed, lower-case, NFC), so one person reaching
// Agnes through two providers is one account, and a provider's unverified email can never claim an
// account. An account holds at most one identity per issuer: a second `sub` from the same issuer
// claiming the same email is refused instead of taking the account over.
//
// All checks and writes run in ONE transaction (the database queue serialises them, so the
// last-active-admin check cannot race an admin's change); a refusal rolls back, so nothing is
// created, and is audited afterwards in its own write.
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context";
import type { Queryable, Transaction } from "../../db/database";
import type { AuthUser } from "../../auth/auth-state";
import { addUser, countActiveAdmins, findUser, findUserByEmail, recordSignIn, setNameAndRole, type UserRow } from "../users/directory";
import { openSession, type NewSession } from "../accounts/sessions";
import { revokeAccess } from "../users/lifecycle";
import { claimedEmail, displayName, emailDomain, emailVerified, roleFromGroups } from "./claims";
import { deleteIdentity, findIdentity, insertIdentity, listIdentitiesOfUser, touchIdentity } from "./repository";
import type { ProviderClaims } from "./oidc-client";
import type { OidcProviderSettings } from "./settings";

export type RefusalReason =
  | "no_email" | "unverified_email" | "not_invited" | "identity_conflict" | "no_matching_group" | "deactivated";

/** A sign-in the rules refuse: `message` is for the person, `reason` for the audit trail. */
export class SsoRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
    readonly userId: string | null = null,
  ) {
    super(message);
  }
}

type Meta = { ip: string | null; userAgent: string | null };
type Outcome = { user: AuthUser; session: NewSession; conflict: { from: string; to: string } | null };

/** Finds (or, with an allowed domain, creates) the account, applies the groups' role, opens a session. */
export async function signInWithProvider(ctx: AppContext, provider: OidcProviderSettings, claims: ProviderClaims, meta: Meta): Promise<{ user: AuthUser; session: NewSession }> {
  const outcome = await ctx.db.transaction((tx) => resolveAndOpen(ctx, tx, provider, claims, meta));
  const { user, session } = outcome;
  if (outcome.conflict) {
    ctx.log.warn("sso.role_conflict", { provider: provider.id, user_id: user.id, kept: outcome.conflict.from, groups_say: outcome.conflict.to });
  }
  ctx.log.info("sso.login", { provider: provider.id, user_id: user.id });
  return { user, session };
}

async function resolveAndOpen(ctx: AppContext, tx: Transaction, provider: OidcProviderSettings, claims: ProviderClaims, meta: Meta): Promise<Outcome> {
  const now = ctx.clock.now();
  const email = claimedEmail(claims);
  const groupRole = roleFromGroups(provider, claims);
  let row = await boundAccount(tx, provider, claims.sub);
  const bound = row !== null;
  if (!row) row = await accountByVerifiedEmail(tx, provider, claims, email);
  if (groupRole === null) throw new SsoRefusal("no_matching_group", `Your ${provider.label} account is in none of the groups that may use Agnes. Ask your administrator to add you to one.`, row?.id ?? null);
  if (row && !row.active) throw new SsoRefusal("deactivated", "Your Agnes account is deactivated. Ask an administrator to activate it.", row.id);
  if (!row) row = await createAccount(ctx, tx, provider, claims, email!, groupRole ?? provider.defaultRole, meta.ip);
  if (bound) await touchIdentity(tx, provider.issuer, claims.sub, email, now);
  else await linkIdentity(ctx, tx, provider, claims.sub, email, row, meta.ip);
  const sync = groupRole ? await applyGroupRole(ctx, tx, provider, row, groupRole, meta.ip) : { role: row.role, conflict: null };
  const user: AuthUser = { id: row.id, email: row.email, name: row.name, role: sync.role, active: true };
  const session = await openSession(ctx, tx, user, meta);
  await recordSignIn(tx, user.id, now);
  await ctx.audit.record(tx, { actor: { id: user.id, email: user.email }, action: "auth.login", target: user.id, params: { via: "oidc", provider: provider.id, session_id: session.id }, ip: meta.ip });
  return { user, session, conflict: sync.conflict };
}

/** The account bound to (issuer, sub), if any. A binding whose account was deleted is dropped. */
async function boundAccount(tx: Transaction, provider: OidcProviderSettings, subject: string): Promise<UserRow | null> {
  const identity = await findIdentity(tx, provider.issuer, subject);
  if (!identity) return null;
  const row = await findUser(tx, identity.user_id);
  if (!row) await deleteIdentity(tx, provider.issuer, subject);
  return row;
}

/** First sign-in through this identity: only a verified email may find (or later create) an account. */
async function accountByVerifiedEmail(tx: Queryable, provider: OidcProviderSettings, claims: ProviderClaims, email: string | null): Promise<UserRow | null> {
  if (!email) throw new SsoRefusal("no_email", `${provider.label} did not share an email address with Agnes, so your account cannot be found.`);
  if (!emailVerified(claims)) {
    throw new SsoRefusal("unverified_email", `${provider.label} has not verified your email address ${email}. Verify it there, then sign in again.`);
  }
  const row = await findUserByEmail(tx, email);
  if (!row) {
    if (provider.allowedDomains.includes(emailDomain(email))) return null;
    throw new SsoRefusal("not_invited", `There is no Agnes account for ${email}. Ask an administrator to add you, then sign in again.`);
  }
  const identities = await listIdentitiesOfUser(tx, row.id);
  if (identities.some((identity) => identity.issuer === provider.issuer)) {
    throw new SsoRefusal("identity_conflict", `The Agnes account for ${email} is already linked to another ${provider.label} account. Ask an administrator.`, row.id);
  }
  return row;
}

async function createAccount(ctx: AppContext, tx: Transaction, provider: OidcProviderSettings, claims: ProviderClaims, email: string, role: UserRow["role"], ip: string | null): Promise<UserRow> {
  const id = randomUUID();
  const name = displayName(claims);
  await addUser(tx, { id, email, name, role, passwordHash: null, now: ctx.clock.now() });
  await ctx.audit.record(tx, { actor: null, action: "user.create", target: id, params: { email, name, role, via: "oidc", provider: provider.id }, ip });
  return (await findUser(tx, id))!;
}

async function linkIdentity(ctx: AppContext, tx: Transaction, provider: OidcProviderSettings, subject: string, email: string | null, row: UserRow, ip: string | null): Promise<void> {
  await insertIdentity(tx, { issuer: provider.issuer, subject, userId: row.id, provider: provider.id, email, now: ctx.clock.now() });
  await ctx.audit.record(tx, { actor: { id: row.id, email: row.email }, action: "sso.identity_linked", target: row.id, params: { provider: provider.id, issuer: provider.issuer, subject }, ip });
}

/**
 * The groups decide the role at every sign-in, except that the last active admin is never demoted
 * (the instance would have no admin): they keep their role and the conflict is audited.
 * A changed role ends the person's other sessions, as an admin's role change does.
 */
async function applyGroupRole(ctx: AppContext, tx: Transaction, provider: OidcProviderSettings, row: UserRow, role: UserRow["role"], ip: string | null) {
  if (role === row.role) return { role, conflict: null };
  const actor = { id: row.id, email: row.email };
  if (row.role === "admin" && (await countActiveAdmins(tx)) <= 1) {
    await ctx.audit.record(tx, { actor, action: "sso.role_conflict", target: row.id, params: { provider: provider.id, kept: row.role, groups_say: role, why: "last active admin" }, ip });
    return { role: row.role, conflict: { from: row.role, to: role } };
  }
  await setNameAndRole(tx, row.id, { name: row.name, role, now: ctx.clock.now() });
  await revokeAccess(ctx, tx, row.id, "group_role_change");
  await ctx.audit.record(tx, { actor: null, action: "user.update", target: row.id, params: { changed: ["role"], role: { from: row.role, to: role }, via: "oidc_groups", provider: provider.id }, ip });
  return { role, conflict: null };
}

/** Records a refused sign-in (in its own write: the sign-in's transaction was rolled back). */
export async function auditRefusal(ctx: AppContext, event: { provider: string; reason: string; userId?: string | null; email?: string | null; ip: string | null }): Promise<void> {
  const params: Record<string, unknown> = { via: "oidc", provider: event.provider, reason: event.reason };
  if (event.email) params.email = event.email;
  await ctx.audit.record(ctx.db, { actor: null, action: "auth.login_refused", target: event.userId ?? null, params, ip: event.ip });
  ctx.log.warn("sso.refused", { provider: event.provider, reason: event.reason });
}
