// Every audit action there is, with the shape of its parameters: the one table. `ctx.audit.record`
// takes an `AuditEvent`, so writing an unknown action, or parameters of the wrong shape, does not
// type-check. `AUDIT_ACTIONS` is the same list at run time (the audit page's filter, the tests) with
// what each action means. Never put a secret (password, token, reset link) in parameters.
import type { Role } from "../../shared/contract";

type RoleChange = { from: Role; to: Role };
type Provider = { provider: string };
type SessionRef = { session_id: string };
/** An invitation names whom it is for; never its link. */
type Invitee = { invitation_id: string; email: string; role: Role };

/** How an account came to be. */
export type AccountOrigin = "admin" | "setup" | "environment" | "oidc" | "recovery" | "invitation";

export type AuditParams = {
  "user.create": {
    email: string;
    name: string;
    role: Role;
    via: AccountOrigin;
    with_password: boolean;
    must_change_password?: boolean;
    provider?: string;
    kind?: "service";
  };
  "user.update": {
    changed: ("name" | "role" | "description")[];
    name?: { from: string; to: string };
    role?: RoleChange;
    via?: "oidc_groups";
    provider?: string;
  };
  "user.activate": { email: string };
  "user.deactivate": { email: string; via?: "oidc_groups"; provider?: string };
  "user.delete": { email: string; name: string; role: Role };
  "user.set_password": { must_change_password?: boolean };
  "user.password_change": { via: "profile" | "forced"; sessions_ended: number };
  "user.password_reset": Record<string, never>;
  "user.reset_link": { expires_at: string };
  "user.reset_link_email": { to: string; email_sent: boolean };
  "invitation.create": Invitee & { expires_at: string };
  "invitation.resend": Invitee & { expires_at: string };
  "invitation.email": Invitee & { email_sent: boolean };
  "invitation.revoke": Invitee;
  "invitation.accept": Invitee & { user_id: string; via: "password" | "oidc"; provider?: string };
  "auth.password_forgot": { outcome: "emailed" | "email_failed" | "deactivated" };
  "admin.recovered": { email: string; created: boolean; previous_role: Role | null; was_active: boolean | null; tokens_revoked: number };
  "auth.login": SessionRef & { via?: "oidc" | "cli-browser" | "cli-device" | "passkey"; provider?: string; client?: string };
  "auth.login_failed": { email?: string };
  "auth.login_refused": { reason: string; via?: "oidc"; provider?: string; email?: string; subject?: string };
  "auth.logout": SessionRef;
  "auth.session_end": SessionRef;
  "auth.sessions_end_others": { sessions_ended: number };
  "auth.cli_approved": { client: string; flow: "browser" | "device" };
  "auth.cli_denied": { client: string; flow: "browser" | "device" };
  "token.create": { id: string; name: string; prefix: string; expires_at: string | null; scopes: string[] };
  "token.revoke": { id: string; name: string; prefix: string; owner_id: string };
  "token.admin_revoke": { id: string; name: string; prefix: string; owner_id: string };
  "token.revoked_by_value": { id: string; name: string; prefix: string; owner_id: string };
  "token.blocked_ip": { id: string; ip: string; allowed_cidrs: string[] };
  "token.rotate": { id: string; new_id: string; name: string; prefix: string; owner_id: string; old_works_until: string };
  "sso.identity_linked": Provider & { issuer: string; subject: string; via?: "admin" };
  "sso.identity_unlinked": Provider & { issuer: string; subject: string };
  "sso.groups_detached": { email: string; role: Role };
  "sso.role_conflict": Provider & { kept: Role; groups_say: Role | "none"; why: "last active admin" };
  "backup.create": { reason: string };
  "backup.delete": Record<string, never>;
  "backup.downloaded": { name: string; size: number };
  "dataset.create": { rows: number; size_bytes: number; hash: string; columns: number; granted?: string[] };
  "dataset.replace": { rows: number; size_bytes: number; hash: string; columns: number };
  "dataset.delete": { hash: string; grants?: number };
  "dataset.grant": { groups: string[]; added: string[]; removed: string[] };
  "group.create": { name: string; source: string };
  "group.rename": { name?: { from: string; to: string }; description?: { from: string; to: string } };
  "group.delete": { name: string; source: string; members: number; grants: number };
  "group.member_add": { group: string; user_id: string; email: string; source: string };
  "group.member_remove": { group: string; user_id: string; email: string; source: string };
  "oauth.client_register": { client_id: string; name: string; redirect_hosts: string[]; via: "open" | "admin" };
  "oauth.client_delete": { client_id: string; name: string; reason: "unused" | "admin" };
  "oauth.grant": { grant_id: string; client_id: string; client_name: string; scopes: string[]; resource: string };
  "oauth.denied": { client_id: string; client_name: string };
  "oauth.grant_revoke": { grant_id: string; client_id: string; by: "owner" | "admin" | "client" };
  "oauth.family_revoked": { grant_id: string; client_id: string; reason: "refresh_token_reuse" | "authorization_code_reuse" };
  "oauth.new_address": { grant_id: string; client_id: string; address: string };
  "mfa.totp_enrol": { recovery_codes: number };
  "mfa.totp_remove": Record<string, never>;
  "mfa.recovery_codes_regenerate": { recovery_codes: number };
  "mfa.recovery_code_used": { remaining: number; during: "sign-in" | "profile" };
  "mfa.code_failed": { method: "totp" | "recovery_code" | "passkey"; reason: string; during: "sign-in" | "profile" };
  "mfa.passkey_add": { passkey_id: string; name: string };
  "mfa.passkey_remove": { passkey_id: string; name: string };
  "mfa.reset": { email: string; sessions_ended: boolean; via: "admin" | "recovery" };
  "data.query": {
    via: "session" | "pat" | "oauth";
    token_id: string | null;
    /** At most 2,000 characters of the SQL. */
    sql: string;
    rows: number;
    bytes: number;
    ms: number;
    result: "ok" | "error" | "timeout" | "too_large" | "refused";
  };
};

export type AuditAction = keyof AuditParams;

/** What each action means, in the words of the audit page ("<actor> <meaning> <target>"). */
export const AUDIT_ACTIONS = {
  "user.create": "created the account of",
  "user.update": "changed the account of",
  "user.activate": "activated",
  "user.deactivate": "deactivated",
  "user.delete": "deleted",
  "user.set_password": "set the password of",
  "user.password_change": "changed their password",
  "user.password_reset": "reset their password with a link",
  "user.reset_link": "issued a password reset link for",
  "user.reset_link_email": "emailed a password reset link to",
  "invitation.create": "invited",
  "invitation.resend": "sent a new invitation link to",
  "invitation.email": "emailed an invitation to",
  "invitation.revoke": "revoked the invitation of",
  "invitation.accept": "accepted an invitation",
  "auth.password_forgot": "asked for a password reset email",
  "admin.recovered": "recovered admin access (break-glass) for",
  "auth.login": "signed in",
  "auth.login_failed": "failed to sign in",
  "auth.login_refused": "was refused sign-in",
  "auth.logout": "signed out",
  "auth.session_end": "ended one of their sessions",
  "auth.sessions_end_others": "ended their other sessions",
  "auth.cli_approved": "approved a da sign-in",
  "auth.cli_denied": "cancelled a da sign-in",
  "token.create": "created a personal access token",
  "token.revoke": "revoked their personal access token",
  "token.admin_revoke": "revoked a personal access token of",
  "token.rotate": "rotated a personal access token",
  "token.revoked_by_value": "revoked a personal access token reported as leaked:",
  "token.blocked_ip": "refused a personal access token used from outside its networks:",
  "sso.identity_linked": "linked a single sign-on identity to",
  "sso.identity_unlinked": "unlinked a single sign-on identity from",
  "sso.groups_detached": "detached from the provider's groups",
  "sso.role_conflict": "kept the role the provider's groups would change of",
  "backup.create": "created a backup",
  "backup.delete": "deleted a backup",
  "backup.downloaded": "downloaded a backup",
  "dataset.create": "uploaded the dataset",
  "dataset.replace": "replaced the dataset",
  "dataset.delete": "deleted the dataset",
  "dataset.grant": "changed who may read the dataset",
  "group.create": "created the group",
  "group.rename": "changed the group",
  "group.delete": "deleted the group",
  "group.member_add": "added a member to the group",
  "group.member_remove": "removed a member from the group",
  "oauth.client_register": "registered the OAuth client",
  "oauth.client_delete": "removed the OAuth client",
  "oauth.grant": "connected an app (OAuth grant)",
  "oauth.denied": "refused to connect an app",
  "oauth.grant_revoke": "revoked a connected app of",
  "oauth.family_revoked": "had a connected app cut off after its refresh token was reused",
  "oauth.new_address": "used a connected app from a new address",
  "mfa.totp_enrol": "set up an authenticator app",
  "mfa.totp_remove": "removed their authenticator app",
  "mfa.recovery_codes_regenerate": "made new recovery codes",
  "mfa.recovery_code_used": "used a recovery code",
  "mfa.code_failed": "gave a wrong second-factor code",
  "mfa.passkey_add": "added a passkey",
  "mfa.passkey_remove": "removed a passkey",
  "mfa.reset": "reset the second factor of",
  "data.query": "ran a query",
} as const satisfies Record<AuditAction, string>;

/** Who acted; `tokenId` when they acted with a personal access token (recorded as the entry's `token_id`). */
type Actor = { id: string; email: string; tokenId?: string | null } | null;

/** One audit entry to write: the action decides the shape of `params`. */
export type AuditEvent = {
  [A in AuditAction]: { actor: Actor; action: A; target?: string | null; ip: string | null } & (AuditParams[A] extends Record<string, never>
    ? { params?: AuditParams[A] }
    : { params: AuditParams[A] });
}[AuditAction];
