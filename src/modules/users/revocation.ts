// What a change to a person's account ends: the one place that decides it, and the table the
// revocation matrix test (test/http/revocation-matrix.test.ts) walks, event by credential kind.
//
// Every credential a person holds is one of CREDENTIAL_KINDS. Sessions, reset links, tokens and issued invitations are
// ended here, in the caller's transaction. The rest follow from those, with no list of their own:
// - a `da` browser-login code or device grant is bound to the browser session that approved it and
//   cannot be redeemed once that session has ended (cli-auth/cli-session.ts);
// - a one-time reveal is bound to the session it is shown to, and the reveals of a person whose
//   sessions end or who is locked out are dropped when the transaction commits (context.ts).
//
// Chosen where the issue was silent, as GitHub and GitLab do: a password or role change keeps the
// person's personal access tokens (they are separate credentials, revoked one by one; the role is
// always read live, so a demotion applies to them at once); deactivation suspends tokens (they stop
// at once and work again only if an admin reactivates the account); break-glass recovery revokes them,
// because it is used when the account may be in someone else's hands.
import type { AppContext } from "../../context";
import type { Transaction } from "../../db/database";
import { endAllSessionsOf } from "../accounts/sessions";
import { voidUnusedResetLinksOf } from "../password-reset/links";
import { voidInvitationsIssuedBy } from "../invitations/issued";
import { revokeTokensOf } from "../tokens/service";
import { endGrantsOf } from "../oauth/grants";

export const CREDENTIAL_KINDS = [
  "browser_session",
  "cli_session",
  "pat",
  "loopback_code",
  "device_grant",
  "reset_link",
  "reveal",
  "issued_invitation",
  "oauth_grant",
] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** ends: stops now and never works again; suspends: stops until an admin reactivates; keeps: unaffected. */
export type Outcome = "ends" | "suspends" | "keeps";

export type AccountEvent =
  | "password_change"
  | "password_reset"
  | "password_set_by_admin"
  | "deactivation"
  | "role_change"
  | "group_role_change"
  | "groups_give_no_role"
  | "recovery"
  | "second_factor_reset"
  | "deletion";

// An OAuth grant (a connected app: its access and refresh tokens, and a code not yet redeemed)
// ends like a session: it was given from one, and the issue asks for exactly that.
const SESSION_ENDS = {
  browser_session: "ends",
  cli_session: "ends",
  loopback_code: "ends",
  device_grant: "ends",
  reveal: "ends",
  oauth_grant: "ends",
} as const;

// `issued_invitation`: open invitations the person (an admin) sent. They carry a role the issuer
// vouched for, so they go with the issuer's authority: a deactivation, a role change, a recovery or a
// deletion voids them for good (another admin invites again); a password change keeps them.
export const REVOCATION_POLICY = {
  password_change: { ...SESSION_ENDS, reset_link: "ends", pat: "keeps", issued_invitation: "keeps" },
  password_reset: { ...SESSION_ENDS, reset_link: "ends", pat: "keeps", issued_invitation: "keeps" },
  password_set_by_admin: { ...SESSION_ENDS, reset_link: "ends", pat: "keeps", issued_invitation: "keeps" },
  deactivation: { ...SESSION_ENDS, reset_link: "ends", pat: "suspends", issued_invitation: "ends" },
  role_change: { ...SESSION_ENDS, reset_link: "ends", pat: "keeps", issued_invitation: "ends" },
  group_role_change: { ...SESSION_ENDS, reset_link: "ends", pat: "keeps", issued_invitation: "ends" },
  groups_give_no_role: { ...SESSION_ENDS, reset_link: "ends", pat: "suspends", issued_invitation: "ends" },
  recovery: { ...SESSION_ENDS, reset_link: "ends", pat: "ends", issued_invitation: "ends" },
  // An admin removed the person's second factor (lost phone, or a suspicion): whoever holds a session
  // may have passed the old factor, so sessions end; the password and tokens are unchanged, so kept.
  second_factor_reset: { ...SESSION_ENDS, reset_link: "keeps", pat: "keeps", issued_invitation: "keeps" },
  deletion: { ...SESSION_ENDS, reset_link: "ends", pat: "ends", issued_invitation: "ends" },
} as const satisfies Record<AccountEvent, Record<CredentialKind, Outcome>>;

/**
 * Ends what `event` ends for this person, inside the caller's transaction. `keepSessionId` is the
 * session a person (or an admin acting on themselves) is using to make the change: it stays, so a
 * password change does not sign its author out; every other session ends. Returns how many tokens
 * were revoked. Deletion removes rows instead and is done by the users service.
 */
export async function revokeAccess(
  ctx: Pick<AppContext, "clock">,
  tx: Transaction,
  userId: string,
  event: Exclude<AccountEvent, "deletion">,
  keepSessionId?: string | null,
): Promise<{ tokensRevoked: number }> {
  const policy: Record<CredentialKind, Outcome> = REVOCATION_POLICY[event];
  if (policy.browser_session === "ends") await endAllSessionsOf(ctx, tx, userId, keepSessionId ?? undefined);
  if (policy.reset_link === "ends") await voidUnusedResetLinksOf(tx, userId);
  if (policy.issued_invitation === "ends") await voidInvitationsIssuedBy(tx, userId, ctx.clock.now());
  if (policy.oauth_grant === "ends") await endGrantsOf(tx, userId, ctx.clock.now(), event);
  const tokensRevoked = policy.pat === "ends" ? await revokeTokensOf(tx, userId, ctx.clock.now()) : 0;
  return { tokensRevoked };
}
