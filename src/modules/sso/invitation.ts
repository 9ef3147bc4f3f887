// Accepting an invitation by signing in with a provider (the /invite page's "Sign in with …"): the
// attempt carries the invitation's token hash from /start to /callback, and the callback creates the
// account and binds the provider's identity (issuer, sub) to it, in one transaction with the link's
// spending, so the link works once whichever way it is used.
// The provider must vouch for the invited address: a verified email equal to the invitation's.
// Otherwise a forwarded link would bind someone else's identity to the account. The provider's
// groups, when they manage roles, decide the role (and may refuse) as at any sign-in.
import type { AppContext } from "../../context";
import type { OidcProviderSettings } from "../../config/sso";
import type { AuthUser } from "../../auth/auth-state";
import type { NewSession } from "../accounts/sessions";
import { createAccount } from "../users/lifecycle";
import { completeAcceptance, findValidByHandle } from "../invitations/acceptance";
import { claimedEmail, displayName, emailVerified, roleFromGroups } from "./claims";
import type { ProviderClaims } from "./oidc-client";
import { findIdentity } from "./repository";
import { linkIdentity, SsoRefusal } from "./service";

type Meta = { ip: string | null; userAgent: string | null };

export async function acceptInvitationWithProvider(
  ctx: AppContext,
  provider: OidcProviderSettings,
  claims: ProviderClaims,
  handle: string,
  meta: Meta,
): Promise<{ user: AuthUser; session: NewSession }> {
  return ctx.db.transaction(async (tx) => {
    const invitation = await findValidByHandle(ctx, tx, handle);
    const { email } = claimedEmail(claims);
    if (!email || !emailVerified(claims) || email !== invitation.email) {
      const as = email ? `${email}${emailVerified(claims) ? "" : " (not verified)"}` : "someone without an email address";
      throw new SsoRefusal(
        "invitation_mismatch",
        `This invitation is for ${invitation.email}, but ${provider.label} signed you in as ${as}. Sign in there with the invited address, or ask an administrator.`,
        null,
        claims.sub,
      );
    }
    if (await findIdentity(tx, provider.issuer, claims.sub)) {
      throw new SsoRefusal("identity_conflict", `This ${provider.label} account is already linked to another Agnes account: sign in with it instead.`);
    }
    const groupRole = roleFromGroups(provider, claims);
    if (groupRole === null) {
      throw new SsoRefusal(
        "no_matching_group",
        `Your ${provider.label} account is in none of the groups that may use Agnes. Ask your administrator to add you to one.`,
      );
    }
    const account = {
      email,
      name: displayName(claims),
      role: groupRole ?? invitation.role,
      passwordHash: null,
      via: "invitation" as const,
      provider: provider.id,
    };
    const row = await createAccount(ctx, tx, account, { actor: null, ip: meta.ip });
    await linkIdentity(ctx, tx, provider, claims.sub, email, row, meta.ip);
    return completeAcceptance(ctx, tx, invitation, row, { via: "oidc", provider: provider.id, ...meta });
  });
}
