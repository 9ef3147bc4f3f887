// One sentence per audit action: a typed sample per action (a new action without one, or without a
// sentence in src/modules/audit/sentences.ts, does not type-check), every sentence readable, and
// the ones people read most word for word.
import { describe, expect, test } from "bun:test";
import { AUDIT_ACTIONS, type AuditAction, type AuditParams } from "../../src/modules/audit/actions";
import { AUDIT_SENTENCES, auditSentence, type Who } from "../../src/modules/audit/sentences";

const token = { id: "tok-1", name: "ci", prefix: "agnes_pat_ab12", owner_id: "u-kat" };
const invitee = { invitation_id: "inv-1", email: "new@example.com", role: "viewer" as const };

const SAMPLES: { [A in AuditAction]: AuditParams[A] } = {
  "user.create": { email: "kat@example.com", name: "Katarzyna", role: "viewer", via: "admin", with_password: false },
  "user.update": { changed: ["role"], role: { from: "viewer", to: "analyst" } },
  "user.activate": { email: "kat@example.com" },
  "user.deactivate": { email: "kat@example.com" },
  "user.delete": { email: "kat@example.com", name: "Katarzyna", role: "analyst" },
  "user.set_password": { must_change_password: true },
  "user.password_change": { via: "profile", sessions_ended: 2 },
  "user.password_reset": {},
  "user.reset_link": { expires_at: "2026-12-08T10:00:00.000Z" },
  "user.reset_link_email": { to: "kat@example.com", email_sent: true },
  "invitation.create": { ...invitee, expires_at: "2026-12-14T10:00:00.000Z" },
  "invitation.resend": { ...invitee, expires_at: "2026-12-14T10:00:00.000Z" },
  "invitation.email": { ...invitee, email_sent: false },
  "invitation.revoke": invitee,
  "invitation.accept": { ...invitee, user_id: "u-new", via: "oidc", provider: "okta" },
  "auth.password_forgot": { outcome: "email_failed" },
  "admin.recovered": { email: "kat@example.com", created: false, previous_role: "viewer", was_active: true, tokens_revoked: 1 },
  "auth.login": { session_id: "s1", via: "oidc", provider: "okta" },
  "auth.login_failed": { email: "kat@example.com" },
  "auth.login_refused": { reason: "deactivated" },
  "auth.logout": { session_id: "s1" },
  "auth.session_end": { session_id: "s1" },
  "auth.sessions_end_others": { sessions_ended: 3 },
  "auth.cli_approved": { client: "da", flow: "browser" },
  "auth.cli_denied": { client: "da", flow: "device" },
  "token.create": { id: "tok-1", name: "ci", prefix: "agnes_pat_ab12", expires_at: null, scopes: ["all"] },
  "token.revoke": token,
  "token.admin_revoke": token,
  "token.revoked_by_value": token,
  "token.blocked_ip": { id: "tok-1", ip: "203.0.113.9", allowed_cidrs: ["10.0.0.0/8"] },
  "token.rotate": { ...token, new_id: "tok-2", old_works_until: "2026-12-08T10:00:00.000Z" },
  "sso.identity_linked": { provider: "okta", issuer: "https://idp", subject: "sub" },
  "sso.identity_unlinked": { provider: "okta", issuer: "https://idp", subject: "sub" },
  "sso.groups_detached": { email: "kat@example.com", role: "analyst" },
  "sso.role_conflict": { provider: "okta", kept: "admin", groups_say: "viewer", why: "last active admin" },
  "backup.create": { reason: "manual" },
  "backup.delete": {},
  "backup.downloaded": { name: "b1.duckdb", size: 10 },
  "dataset.create": { rows: 10, size_bytes: 100, hash: "h", columns: 2 },
  "dataset.replace": { rows: 12, size_bytes: 100, hash: "h", columns: 2 },
  "dataset.delete": { hash: "h" },
  "dataset.grant": { groups: ["Finance"], added: ["Finance"], removed: [] },
  "group.create": { name: "Finance", source: "agnes" },
  "group.rename": { name: { from: "Fin", to: "Finance" } },
  "group.delete": { name: "Finance", source: "agnes", members: 3, grants: 1 },
  "group.member_add": { group: "Finance", user_id: "u-kat", email: "kat@example.com", source: "agnes" },
  "group.member_remove": { group: "Finance", user_id: "u-kat", email: "kat@example.com", source: "agnes" },
  "oauth.client_register": { client_id: "c1", name: "Claude", redirect_hosts: ["localhost"], via: "open" },
  "oauth.client_delete": { client_id: "c1", name: "Claude", reason: "admin" },
  "oauth.grant": { grant_id: "g1", client_id: "c1", client_name: "Claude", scopes: ["data:read"], resource: "https://x/mcp" },
  "oauth.denied": { client_id: "c1", client_name: "Claude" },
  "oauth.grant_revoke": { grant_id: "g1", client_id: "c1", by: "owner" },
  "oauth.family_revoked": { grant_id: "g1", client_id: "c1", reason: "refresh_token_reuse" },
  "oauth.new_address": { grant_id: "g1", client_id: "c1", address: "203.0.113.9" },
  "mfa.totp_enrol": { recovery_codes: 10 },
  "mfa.totp_remove": {},
  "mfa.recovery_codes_regenerate": { recovery_codes: 10 },
  "mfa.recovery_code_used": { remaining: 9, during: "sign-in" },
  "mfa.code_failed": { method: "totp", reason: "wrong", during: "sign-in" },
  "mfa.passkey_add": { passkey_id: "pk-1", name: "laptop" },
  "mfa.passkey_remove": { passkey_id: "pk-1", name: "laptop" },
  "mfa.reset": { email: "kat@example.com", sessions_ended: true, via: "admin" },
  "data.query": { via: "pat", token_id: "tok-1", sql: "SELECT 1", rows: 1, bytes: 8, ms: 3, result: "ok" },
};

const who: Who = { actor: "Ana", target: "Katarzyna", name: (id) => (id === "u-kat" ? "Katarzyna" : id) };

describe("a sentence for every action", () => {
  for (const action of Object.keys(AUDIT_ACTIONS) as AuditAction[]) {
    test(action, () => {
      const sentence = (AUDIT_SENTENCES[action] as (w: Who, p: unknown) => string)(who, SAMPLES[action]);
      expect(sentence).toMatch(/^\S.{8,}\S$/);
      expect(sentence).not.toMatch(/undefined|null|\[object|NaN/);
      // Ids stay in the details: no sample id (u-kat, tok-1, inv-1, g1…) is spelled out.
      expect(sentence).not.toMatch(/\bu-kat\b|\btok-[12]\b|\binv-1\b|\bs1\b/);
    });
  }
});

describe("word for word", () => {
  const say = <A extends AuditAction>(action: A, params: AuditParams[A]) =>
    auditSentence(action, who, params as Record<string, unknown>, AUDIT_ACTIONS[action]);
  test("role change, deactivation, deletion, reset link, token revoked by an admin", () => {
    expect(say("user.update", SAMPLES["user.update"])).toBe("Ana changed the role of Katarzyna from viewer to analyst");
    expect(say("user.deactivate", SAMPLES["user.deactivate"])).toBe("Ana deactivated Katarzyna");
    expect(say("user.delete", SAMPLES["user.delete"])).toBe("Ana deleted the account of Katarzyna <kat@example.com> (analyst)");
    expect(say("user.reset_link", SAMPLES["user.reset_link"])).toBe("Ana issued a password reset link for Katarzyna");
    expect(say("token.admin_revoke", SAMPLES["token.admin_revoke"])).toBe("Ana revoked the token “ci” (agnes_pat_ab12…) of Katarzyna");
    expect(say("auth.login_failed", SAMPLES["auth.login_failed"])).toBe("Someone failed to sign in as kat@example.com");
  });

  test("an old entry missing a parameter falls back to the action's meaning, never 'undefined'", () => {
    expect(auditSentence("user.delete", who, {}, AUDIT_ACTIONS["user.delete"])).toBe("Ana deleted Katarzyna");
    expect(auditSentence("user.update", who, { changed: ["role"], role: null }, AUDIT_ACTIONS["user.update"])).toBe("Ana changed the role of Katarzyna");
    expect(auditSentence("no.such", who, {}, "")).toBe("Ana no.such");
  });
});
