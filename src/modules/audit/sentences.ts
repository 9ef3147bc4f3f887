// One sentence per audit entry ("Ana changed the role of Katarzyna from viewer to analyst"): a
// function per action in one table typed against `AuditParams`, so an action added to actions.ts
// without its sentence does not type-check. Names come resolved (`Who`); ids stay in the details.
import type { AuditAction, AuditParams } from "./actions";

/** Who acted and on whom, already turned into names or emails by the caller; `name` resolves any other user id. */
export type Who = { actor: string; target: string; name: (userId: string) => string };

type Sentence<A extends AuditAction> = (who: Who, p: AuditParams[A]) => string;

const list = (items: readonly string[] | undefined) => (items && items.length > 0 ? items.join(", ") : "none");
const via = (provider: string | undefined) => (provider ? ` through ${provider}` : "");

export const AUDIT_SENTENCES: { [A in AuditAction]: Sentence<A> } = {
  "user.create": (w, p) => `${w.actor} created the account of ${w.target} as ${p.role}${p.via === "admin" ? "" : ` (${p.via})`}`,
  "user.update": (w, p) => {
    if (p.role) return `${w.actor} changed the role of ${w.target} from ${p.role.from} to ${p.role.to}${p.via ? " (provider groups)" : ""}`;
    if (p.name) return `${w.actor} renamed ${p.name.from || "an unnamed account"} to ${p.name.to}`;
    return `${w.actor} changed the ${list(p.changed)} of ${w.target}`;
  },
  "user.activate": (w) => `${w.actor} activated ${w.target}`,
  "user.deactivate": (w, p) => `${w.actor} deactivated ${w.target}${p.via ? " (provider groups)" : ""}`,
  "user.delete": (w, p) => `${w.actor} deleted the account of ${p.name ? `${p.name} <${p.email}>` : p.email} (${p.role})`,
  "user.set_password": (w) => `${w.actor} set the password of ${w.target}`,
  "user.password_change": (w) => `${w.actor} changed their password`,
  "user.password_reset": (w) => `${w.target} reset their password with a link`,
  "user.reset_link": (w) => `${w.actor} issued a password reset link for ${w.target}`,
  "user.reset_link_email": (w, p) => `${w.actor} emailed a password reset link to ${p.to}${p.email_sent ? "" : " (sending failed)"}`,
  "invitation.create": (w, p) => `${w.actor} invited ${p.email} as ${p.role}`,
  "invitation.resend": (w, p) => `${w.actor} sent a new invitation link to ${p.email}`,
  "invitation.email": (w, p) => `${w.actor} emailed an invitation to ${p.email}${p.email_sent ? "" : " (sending failed)"}`,
  "invitation.revoke": (w, p) => `${w.actor} revoked the invitation of ${p.email}`,
  "invitation.accept": (_w, p) => `${p.email} accepted their invitation${via(p.provider)}`,
  "auth.password_forgot": (w, p) => `${w.target} asked for a password reset email (${p.outcome.replace("_", " ")})`,
  "admin.recovered": (w, p) => `${w.actor} recovered admin access for ${p.email} (break-glass)`,
  "auth.login": (w, p) => `${w.target} signed in${p.via ? ` (${p.via})` : ""}${via(p.provider)}`,
  "auth.login_failed": (w, p) => `Someone failed to sign in as ${p.email ?? w.target}`,
  "auth.login_refused": (w, p) => `${p.email ?? w.target} was refused sign-in: ${p.reason}`,
  "auth.logout": (w) => `${w.actor} signed out`,
  "auth.session_end": (w) => `${w.actor} ended one of their sessions`,
  "auth.sessions_end_others": (w, p) => `${w.actor} signed out everywhere else (${p.sessions_ended} sessions)`,
  "auth.cli_approved": (w, p) => `${w.actor} approved a da sign-in (${p.flow})`,
  "auth.cli_denied": (w, p) => `${w.actor} cancelled a da sign-in (${p.flow})`,
  "token.create": (w, p) => `${w.actor} created the token “${p.name}” (${p.prefix}…)`,
  "token.revoke": (w, p) => `${w.actor} revoked their token “${p.name}” (${p.prefix}…)`,
  "token.admin_revoke": (w, p) => `${w.actor} revoked the token “${p.name}” (${p.prefix}…) of ${w.name(p.owner_id)}`,
  "token.revoked_by_value": (_w, p) => `Agnes revoked the token “${p.name}” (${p.prefix}…), reported as leaked`,
  "token.blocked_ip": (_w, p) => `Agnes refused a token used from ${p.ip}, outside its networks`,
  "token.rotate": (w, p) => `${w.actor} rotated the token “${p.name}” (${p.prefix}…)`,
  "sso.identity_linked": (w, p) => `${w.actor} linked a ${p.provider} identity to ${w.target}`,
  "sso.identity_unlinked": (w, p) => `${w.actor} unlinked the ${p.provider} identity of ${w.target}`,
  "sso.groups_detached": (w, p) => `${w.actor} detached ${p.email} from the provider's groups (kept ${p.role})`,
  "sso.role_conflict": (w, p) => `Agnes kept ${w.target} as ${p.kept}: ${p.provider}'s groups say ${p.groups_say}, but they are the ${p.why}`,
  "backup.create": (w, p) => `${w.actor} created the backup ${w.target} (${p.reason})`,
  "backup.delete": (w) => `${w.actor} deleted the backup ${w.target}`,
  "backup.downloaded": (w, p) => `${w.actor} downloaded the backup ${p.name}`,
  "dataset.create": (w, p) => `${w.actor} uploaded the dataset ${w.target} (${p.rows} rows)`,
  "dataset.replace": (w, p) => `${w.actor} replaced the dataset ${w.target} (${p.rows} rows)`,
  "dataset.delete": (w) => `${w.actor} deleted the dataset ${w.target}`,
  "dataset.grant": (w, p) => `${w.actor} let ${list(p.groups)} read the dataset ${w.target}`,
  "group.create": (w, p) => `${w.actor} created the group ${p.name}`,
  "group.rename": (w, p) =>
    p.name ? `${w.actor} renamed the group ${p.name.from} to ${p.name.to}` : `${w.actor} changed the description of the group ${w.target}`,
  "group.delete": (w, p) => `${w.actor} deleted the group ${p.name} (${p.members} members)`,
  "group.member_add": (w, p) => `${w.actor} added ${p.email} to the group ${p.group}`,
  "group.member_remove": (w, p) => `${w.actor} removed ${p.email} from the group ${p.group}`,
  "oauth.client_register": (w, p) => `${w.actor} registered the OAuth client ${p.name}`,
  "oauth.client_delete": (w, p) => `${w.actor} removed the OAuth client ${p.name}${p.reason === "unused" ? " (unused)" : ""}`,
  "oauth.grant": (w, p) => `${w.actor} connected the app ${p.client_name}`,
  "oauth.denied": (w, p) => `${w.actor} refused to connect the app ${p.client_name}`,
  "oauth.grant_revoke": (w) => `${w.actor} revoked a connected app of ${w.target}`,
  "oauth.family_revoked": (w) => `Agnes cut off a connected app of ${w.target}: a token was reused`,
  "oauth.new_address": (w, p) => `${w.actor} used a connected app from ${p.address}`,
  "mfa.totp_enrol": (w) => `${w.actor} set up an authenticator app for two-factor sign-in`,
  "mfa.totp_remove": (w) => `${w.actor} removed their authenticator app`,
  "mfa.recovery_codes_regenerate": (w, p) => `${w.actor} made ${p.recovery_codes} new recovery codes (the old ones stopped working)`,
  "mfa.recovery_code_used": (w, p) => `${w.actor} used a recovery code ${p.during === "sign-in" ? "to sign in" : "on their profile"} (${p.remaining} left)`,
  "mfa.code_failed": (w, p) =>
    `${w.target} gave a wrong ${p.method === "recovery_code" ? "recovery code" : p.method === "passkey" ? "passkey" : "authenticator code"} ${p.during === "sign-in" ? "while signing in" : "on their profile"}`,
  "mfa.passkey_add": (w, p) => `${w.actor} added the passkey “${p.name}”`,
  "mfa.passkey_remove": (w, p) => `${w.actor} removed the passkey “${p.name}”`,
  "mfa.reset": (w, p) => `${w.actor} reset the second factor of ${p.email}${p.via === "recovery" ? " (break-glass)" : ""}`,
  "data.query": (w, p) => `${w.actor} ran a query (${p.result}, ${p.rows} rows)`,
};

/**
 * The sentence for a stored entry. Entries written by older versions may lack a parameter the
 * sentence reads; then the action's plain meaning stands in, never an error.
 */
export function auditSentence(action: string, who: Who, params: Record<string, unknown>, meaning: string): string {
  const sentence = (AUDIT_SENTENCES as unknown as Record<string, ((w: Who, p: Record<string, unknown>) => string) | undefined>)[action];
  if (!sentence) return `${who.actor} ${meaning || action}`;
  try {
    const text = sentence(who, params);
    if (!text.includes("undefined")) return text;
  } catch {
    // An old entry's missing object parameter (say `role`): fall through to the plain meaning.
  }
  return `${who.actor} ${meaning}${who.target ? ` ${who.target}` : ""}`;
}
