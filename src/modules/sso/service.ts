import type { AppContext } from "../../context";
import type { Queryable, Transaction } from "../../db/database";
import type { AuthUser } from "../../auth/auth-state";
import type { Role } from "../../shared/contract";
import { findUser, findUserByEmail, type UserRow } from "../users/directory";
import { changeRole, createAccount, deactivate, LastAdminConflict, recordSignIn } from "../users/lifecycle";
import { openSession, type NewSession } from "../accounts/sessions";
import { claimedEmail, displayName, emailDomain, emailVerified, roleFromGroups } from "./claims";
import { deleteIdentity, findIdentity, insertIdentity, isGroupsDetached, listIdentitiesOfUser, touchIdentity } from "./repository";
import type { ProviderClaims } from "./oidc-client";
import type { OidcProviderSettings } from "../../config/sso";
import { managedElsewhereMessage, roleManagingProvider } from "./identities";
import { readGroupsClaim, syncGroups } from "../groups/sync";

export type RefusalReason =
  | "no_email"
  | "unsafe_email"
  | "unverified_email"
  | "not_invited"
  | "link_not_allowed"
  | "identity_conflict"
  | "no_matching_group"
  | "deactivated"
  | "managed_elsewhere"
  | "group_overage"
  | "invitation_mismatch";

/** A sign-in the rules refuse: `message` is for the person, `reason` for the audit trail. */
export class SsoRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
    readonly userId: string | null = null,
    /** The provider's subject id, shown to the person when an admin can link it by hand. */
    readonly subject: string | null = null,
  ) {
    super(message);
  }
}

/** Why a provider's address is refused (the one email rule), for the person's page. */
const UNSAFE_EMAIL = {
  invalid: "it is not a valid email address",
  look_alike: "it contains characters that look like others",
  mixed_scripts: "it mixes letters of different scripts, as look-alike addresses do",
} as const;

type Meta = { ip: string | null; userAgent: string | null };
type Outcome = { user: AuthUser; session: NewSession; conflict: { from: string; to: string } | null };

/** Finds (or, with an allowed domain, creates) the account, applies the groups' role, opens a session. */
export async function signInWithProvider(
  ctx: AppContext,
  provider: OidcProviderSettings,
  claims: ProviderClaims,
  meta: Meta,
): Promise<{ user: AuthUser; session: NewSession }> {
  const outcome = await ctx.db.transaction((tx) => resolveAndOpen(ctx, tx, provider, claims, meta));
  // A refusal whose writes must stay (the offboarded person's deactivation) is returned, not thrown.
  if (outcome instanceof SsoRefusal) throw outcome;
  const { user, session } = outcome;
  if (outcome.conflict) {
    ctx.log.warn("sso.role_conflict", { provider: provider.id, user_id: user.id, kept: outcome.conflict.from, groups_say: outcome.conflict.to });
  }
  ctx.log.info("sso.login", { provider: provider.id, user_id: user.id });
  return { user, session };
}

async function resolveAndOpen(
  ctx: AppContext,
  tx: Transaction,
  provider: OidcProviderSettings,
  claims: ProviderClaims,
  meta: Meta,
): Promise<Outcome | SsoRefusal> {
  const now = ctx.clock.now();
  const { email } = claimedEmail(claims);
  const groupNames = syncedGroupNames(ctx, provider, claims);
  let row = await boundAccount(tx, provider, claims.sub);
  const bound = row !== null;
  if (!row) row = await accountByVerifiedEmail(tx, provider, claims);
  const groupRole = row && (await isGroupsDetached(tx, row.id)) ? undefined : roleFromGroups(provider, claims);
  if (groupRole === null) return offboard(ctx, tx, provider, bound ? row : null, meta.ip);
  if (row && !row.active) throw new SsoRefusal("deactivated", "Your Agnes account is deactivated. Ask an administrator to activate it.", row.id);
  const manager = row ? await roleManagingProvider(ctx, tx, row.id) : null;
  if (row && manager && manager.issuer !== provider.issuer) throw new SsoRefusal("managed_elsewhere", managedElsewhereMessage(manager), row.id);
  if (!row) {
    const account = {
      email: email!,
      name: displayName(claims),
      role: groupRole ?? provider.defaultRole,
      passwordHash: null,
      via: "oidc" as const,
      provider: provider.id,
    };
    row = await createAccount(ctx, tx, account, { actor: null, ip: meta.ip });
  }
  if (bound) await touchIdentity(tx, provider.issuer, claims.sub, email, now);
  else await linkIdentity(ctx, tx, provider, claims.sub, email, row, meta.ip);
  const sync = groupRole ? await applyGroupRole(ctx, tx, provider, row, groupRole, meta.ip) : { role: row.role, conflict: null };
  if (groupNames) await syncGroups(ctx, tx, provider, row, groupNames, meta.ip);
  const user: AuthUser = { id: row.id, email: row.email, name: row.name, role: sync.role, active: true };
  const session = await openSession(ctx, tx, user, meta);
  await recordSignIn(ctx, tx, user.id);
  await ctx.audit.record(tx, {
    actor: { id: user.id, email: user.email },
    action: "auth.login",
    target: user.id,
    params: { via: "oidc", provider: provider.id, session_id: session.id },
    ip: meta.ip,
  });
  return { user, session, conflict: sync.conflict };
}

/**
 * The group names to sync (null when this provider does not sync groups). A claim longer than
 * OIDC_GROUP_LIMIT, or Entra's overage pointer in its place, refuses the sign-in whenever the claim
 * matters (sync or roles): acting on a partial list would drop memberships or a role wrongly.
 */
function syncedGroupNames(ctx: AppContext, provider: OidcProviderSettings, claims: ProviderClaims): string[] | null {
  if (!provider.groupSync && !provider.groupRoles) return null;
  const limit = ctx.config.oidcGroupLimit;
  const claim = readGroupsClaim(claims, provider.groupsClaim, provider.groupFilter, limit);
  if ("overage" in claim) {
    throw new SsoRefusal(
      "group_overage",
      `${provider.label} sent more groups for you than Agnes accepts (at most ${limit}), so it cannot tell which of them give you access. Ask your administrator to limit the groups ${provider.label} sends to Agnes (for example, only groups assigned to the application).`,
    );
  }
  return provider.groupSync ? claim.names : null;
}

/**
 * The groups give this person no role any more. A bound, active account is deactivated (in this
 * transaction, which commits: its sessions and tokens stop on the very next request), unless it is
 * the last active admin, which is kept and audited as a conflict. Either way the sign-in is refused.
 */
async function offboard(ctx: AppContext, tx: Transaction, provider: OidcProviderSettings, row: UserRow | null, ip: string | null): Promise<SsoRefusal> {
  const refusal = (more: string) =>
    new SsoRefusal(
      "no_matching_group",
      `Your ${provider.label} account is in none of the groups that may use Agnes.${more} Ask your administrator to add you to one.`,
      row?.id ?? null,
    );
  if (!row?.active) return refusal("");
  try {
    await deactivate(ctx, tx, row, { actor: null, ip, via: "oidc_groups", provider: provider.id });
  } catch (error) {
    if (!(error instanceof LastAdminConflict)) throw error;
    await auditRoleConflict(ctx, tx, provider, row, "none", ip);
    ctx.log.warn("sso.role_conflict", { provider: provider.id, user_id: row.id, kept: row.role, groups_say: "none" });
    return refusal("");
  }
  return refusal(" Your Agnes account was deactivated.");
}

/** The account bound to (issuer, sub), if any. A binding whose account was deleted is dropped. */
async function boundAccount(tx: Transaction, provider: OidcProviderSettings, subject: string): Promise<UserRow | null> {
  const identity = await findIdentity(tx, provider.issuer, subject);
  if (!identity) return null;
  const row = await findUser(tx, identity.user_id);
  if (!row) await deleteIdentity(tx, provider.issuer, subject);
  return row;
}

/**
 * First sign-in through this identity: only a verified email may find (or later create) an account,
 * and only a trusted domain may claim one that exists.
 */
async function accountByVerifiedEmail(tx: Queryable, provider: OidcProviderSettings, claims: ProviderClaims): Promise<UserRow | null> {
  const claimed = claimedEmail(claims);
  const email = claimed.email;
  if (!email) {
    if (claimed.problem)
      throw new SsoRefusal(
        "unsafe_email",
        `Agnes does not accept the email address ${provider.label} shared for you: ${UNSAFE_EMAIL[claimed.problem.kind]}${claimed.problem.detail ? ` (${claimed.problem.detail})` : ""}. Ask your administrator.`,
      );
    throw new SsoRefusal("no_email", `${provider.label} did not share an email address with Agnes, so your account cannot be found.`);
  }
  if (!emailVerified(claims)) {
    throw new SsoRefusal("unverified_email", `${provider.label} has not verified your email address ${email}. Verify it there, then sign in again.`);
  }
  const row = await findUserByEmail(tx, email);
  const domain = emailDomain(email);
  if (!row) {
    if (provider.allowedDomains.includes(domain)) return null;
    throw new SsoRefusal("not_invited", `There is no Agnes account for ${email}. Ask an administrator to add you, then sign in again.`, null, claims.sub);
  }
  if (!provider.allowedDomains.includes(domain) && !provider.linkDomains.includes(domain)) {
    throw new SsoRefusal(
      "link_not_allowed",
      `An Agnes account for ${email} exists, but ${provider.label} is not trusted to sign in to accounts of ${domain} by email. Ask an Agnes administrator to link your ${provider.label} identity to that account (give them the identifier below), then sign in again.`,
      row.id,
      claims.sub,
    );
  }
  const identities = await listIdentitiesOfUser(tx, row.id);
  if (identities.some((identity) => identity.issuer === provider.issuer)) {
    throw new SsoRefusal(
      "identity_conflict",
      `The Agnes account for ${email} is already linked to another ${provider.label} account. Ask an administrator.`,
      row.id,
    );
  }
  return row;
}

export async function linkIdentity(
  ctx: AppContext,
  tx: Transaction,
  provider: OidcProviderSettings,
  subject: string,
  email: string | null,
  row: UserRow,
  ip: string | null,
): Promise<void> {
  await insertIdentity(tx, { issuer: provider.issuer, subject, userId: row.id, provider: provider.id, email, now: ctx.clock.now() });
  await ctx.audit.record(tx, {
    actor: { id: row.id, email: row.email },
    action: "sso.identity_linked",
    target: row.id,
    params: { provider: provider.id, issuer: provider.issuer, subject },
    ip,
  });
}

/**
 * The groups decide the role at every sign-in, except that the last active admin is never demoted
 * (the instance would have no admin): they keep their role and the conflict is audited.
 * A changed role ends the person's other sessions, as an admin's role change does.
 */
async function applyGroupRole(ctx: AppContext, tx: Transaction, provider: OidcProviderSettings, row: UserRow, role: UserRow["role"], ip: string | null) {
  if (role === row.role) return { role, conflict: null };
  try {
    await changeRole(ctx, tx, row, role, { actor: null, ip, via: "oidc_groups", provider: provider.id });
  } catch (error) {
    if (!(error instanceof LastAdminConflict)) throw error;
    await auditRoleConflict(ctx, tx, provider, row, role, ip);
    return { role: row.role, conflict: { from: row.role, to: role } };
  }
  return { role, conflict: null };
}

/** The last active admin is never demoted or deactivated by the groups: kept, and audited. */
async function auditRoleConflict(ctx: AppContext, tx: Transaction, provider: OidcProviderSettings, row: UserRow, groupsSay: Role | "none", ip: string | null) {
  const params = { provider: provider.id, kept: row.role, groups_say: groupsSay, why: "last active admin" as const };
  await ctx.audit.record(tx, { actor: null, action: "sso.role_conflict", target: row.id, params, ip });
}

/** Records a refused sign-in (in its own write: the sign-in's transaction was rolled back). */
export async function auditRefusal(
  ctx: AppContext,
  event: { provider: string; reason: string; userId?: string | null; email?: string | null; subject?: string | null; ip: string | null },
): Promise<void> {
  const params = {
    via: "oidc" as const,
    provider: event.provider,
    reason: event.reason,
    ...(event.email ? { email: event.email } : {}),
    ...(event.subject ? { subject: event.subject } : {}),
  };
  await ctx.audit.record(ctx.db, { actor: null, action: "auth.login_refused", target: event.userId ?? null, params, ip: event.ip });
  ctx.log.warn("sso.refused", { provider: event.provider, reason: event.reason });
}
