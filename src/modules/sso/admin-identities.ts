// What an admin does with a person's single sign-on identities: list them, link one by hand (the
// explicit trust decision a provider outside its trusted domains cannot make by email), unlink one,
// and detach the person from their provider's groups in an emergency (the groups then no longer
// manage their role: sign-ins leave it alone, admins set it). Each change is checked and audited in
// one transaction, and re-checks that the caller is still an active admin.
import type { AppContext } from "../../context";
import type { Queryable, Transaction } from "../../db/database";
import { BadRequest, Conflict, NotFound } from "../../shared/errors";
import { assertStillAdmin, type AdminCall } from "../users/admin-call";
import { findPerson, type UserRow } from "../users/directory";
import { deleteIdentity, findIdentity, insertGroupsDetached, insertIdentity, isGroupsDetached, listIdentitiesOfUser, type IdentityRow } from "./repository";
import type { OidcProviderSettings } from "../../config/sso";

/** One identity as the API shows it. `provider`: the OIDC_PROVIDERS id (null: no longer configured). */
export type UserIdentity = {
  provider: string | null;
  label: string | null;
  issuer: string;
  subject: string;
  email: string | null;
  created_at: string;
  last_login_at: string | null;
};

/** A subject is whatever the provider's `sub` is (at most 255 ASCII characters by OpenID Connect Core). */
const SUBJECT = /^[\x21-\x7e]{1,255}$/;

function providerById(ctx: AppContext, id: string): OidcProviderSettings {
  const provider = ctx.config.sso.providers.find((p) => p.id === id);
  if (!provider) {
    const known = ctx.config.sso.providers.map((p) => p.id);
    throw new BadRequest(known.length ? `Unknown provider: expected one of ${known.join(", ")}` : "No single sign-on provider is configured");
  }
  return provider;
}

function toIdentity(ctx: AppContext, row: IdentityRow): UserIdentity {
  const provider = ctx.config.sso.providers.find((p) => p.issuer === row.issuer) ?? null;
  return {
    provider: provider?.id ?? null,
    label: provider?.label ?? null,
    issuer: row.issuer,
    subject: row.subject,
    email: row.email,
    created_at: row.created_at.toISOString(),
    last_login_at: row.last_login_at?.toISOString() ?? null,
  };
}

async function findTarget(q: Queryable, userId: string): Promise<UserRow> {
  const row = await findPerson(q, userId);
  if (!row) throw new NotFound("User not found");
  return row;
}

export async function listIdentities(ctx: AppContext, userId: string): Promise<UserIdentity[]> {
  await findTarget(ctx.db, userId);
  return (await listIdentitiesOfUser(ctx.db, userId)).map((row) => toIdentity(ctx, row));
}

/** Binds (provider's issuer, subject) to the person: their next sign-in through it finds them. */
export async function linkIdentityByHand(
  ctx: AppContext,
  call: AdminCall,
  userId: string,
  input: { provider: string; subject: string },
): Promise<UserIdentity> {
  const provider = providerById(ctx, input.provider);
  const subject = input.subject.trim();
  if (!SUBJECT.test(subject)) throw new BadRequest("Enter the provider's subject identifier (sub): 1 to 255 visible ASCII characters");
  return ctx.db.transaction(async (tx) => {
    const target = await findTarget(tx, userId);
    const bound = await findIdentity(tx, provider.issuer, subject);
    if (bound && bound.user_id !== userId) throw new Conflict(`This ${provider.label} identity is already linked to another account`);
    if ((await listIdentitiesOfUser(tx, userId)).some((i) => i.issuer === provider.issuer)) {
      throw new Conflict(`${target.email} already has a ${provider.label} identity: unlink it first`);
    }
    await assertStillAdmin(tx, call);
    await insertIdentity(tx, { issuer: provider.issuer, subject, userId, provider: provider.id, email: null, now: ctx.clock.now(), linkedByAdmin: true });
    await ctx.audit.record(tx, {
      actor: call.actor,
      action: "sso.identity_linked",
      target: userId,
      params: { provider: provider.id, issuer: provider.issuer, subject, via: "admin" },
      ip: call.ip,
    });
    return toIdentity(ctx, (await findIdentity(tx, provider.issuer, subject))!);
  });
}

/**
 * Removes the person's identity at `providerId` (a configured id, or the id an identity of a provider
 * that is no longer configured was bound through). Their sessions stay: unlinking is not a lock-out.
 */
export async function unlinkIdentity(ctx: AppContext, call: AdminCall, userId: string, providerId: string): Promise<void> {
  const issuer = ctx.config.sso.providers.find((p) => p.id === providerId)?.issuer;
  await ctx.db.transaction(async (tx) => {
    await findTarget(tx, userId);
    const identity = (await listIdentitiesOfUser(tx, userId)).find((i) => (issuer ? i.issuer === issuer : i.provider === providerId));
    if (!identity) throw new NotFound("This user has no identity at that provider");
    await assertStillAdmin(tx, call);
    await deleteIdentity(tx, identity.issuer, identity.subject);
    await ctx.audit.record(tx, {
      actor: call.actor,
      action: "sso.identity_unlinked",
      target: userId,
      params: { provider: providerId, issuer: identity.issuer, subject: identity.subject },
      ip: call.ip,
    });
  });
}

/** The emergency switch: the provider's groups stop managing this person's role. Never refused by a safeguard. */
export async function detachFromGroups(ctx: AppContext, call: AdminCall, userId: string): Promise<UserRow> {
  return ctx.db.transaction(async (tx: Transaction) => {
    const target = await findTarget(tx, userId);
    await assertStillAdmin(tx, call);
    if (!(await isGroupsDetached(tx, userId))) {
      await insertGroupsDetached(tx, userId, call.actor.id, ctx.clock.now());
      await ctx.audit.record(tx, {
        actor: call.actor,
        action: "sso.groups_detached",
        target: userId,
        params: { email: target.email, role: target.role },
        ip: call.ip,
      });
    }
    return target;
  });
}
