// What a session may do while its owner has a task to finish first: choose their own password after
// an admin set one (accounts/password-change*), or set up a second factor that MFA_REQUIRED asks of
// them (src/modules/mfa). One mechanism for both: the auth guard asks this for session principals and
// refuses any other path with the task's SessionRestricted error (403 JSON; a page is sent to the task).
// Routes that resolve their caller themselves and are never a task's (/mcp, /metrics) call
// assertNotHeld; /oauth/register asks sessionRestriction, since a held admin may still register as
// anyone may where registration is open.
import type { AuthState, AuthUser } from "./auth-state";
import { PASSWORD_CHANGE_PATH, PasswordChangeRequired, SECOND_FACTOR_PATH, SecondFactorEnrolmentRequired, type SessionRestricted } from "../shared/errors";

export type MfaPolicy = "off" | "admins" | "all";

/** Whether MFA_REQUIRED asks this person for a second factor. */
export function policyCovers(policy: MfaPolicy, role: string): boolean {
  return policy === "all" || (policy === "admins" && role === "admin");
}

type Restriction = { allows: (path: string) => boolean; error: () => SessionRestricted };

const PASSWORD_CHANGE: Restriction = {
  allows: (path) => path === "/auth/me" || path === PASSWORD_CHANGE_PATH,
  error: () => new PasswordChangeRequired(),
};

const SECOND_FACTOR_ENROLMENT: Restriction = {
  allows: (path) => path === "/auth/me" || path === SECOND_FACTOR_PATH || path.startsWith(`${SECOND_FACTOR_PATH}/`),
  error: () => new SecondFactorEnrolmentRequired(),
};

/** The task this person's sessions are held to, or null when they may do anything their role allows. */
export function sessionRestriction(state: AuthState, policy: MfaPolicy, user: AuthUser): Restriction | null {
  if (state.mustChangePassword(user.id)) return PASSWORD_CHANGE;
  if (state.mustEnrolSecondFactor(user.id) && policyCovers(policy, user.role)) return SECOND_FACTOR_ENROLMENT;
  return null;
}

/**
 * For a route that is never a task's: throws the task's error when a session is held to one. Tokens
 * are not held back (only their owner makes one, with a session, and an admin-set password keeps them).
 */
export function assertNotHeld(state: AuthState, policy: MfaPolicy, principal: { via: string; user: AuthUser }): void {
  const restriction = principal.via === "session" ? sessionRestriction(state, policy, principal.user) : null;
  if (restriction) throw restriction.error();
}
