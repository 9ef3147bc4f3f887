// Tokens with least privilege (issue 24). `scopes` is a JSON array of scope names (src/shared/
// contract.ts TOKEN_SCOPES); tokens made before it keep every power they had (`["all"]`).
// `allowed_cidrs`: JSON array of networks the token may be used from (empty: anywhere).
// `rotated_at`: when the token was replaced by rotation (its expires_at then ends the grace period).
// `users.kind`: "person", or "service" for a service account (no password, no SSO identity, never a
// session, outside the last-admin rule); `description` and `created_by` (an admin's id) are theirs.
// `expiry_notice_7_at` / `expiry_notice_1_at`: when the owner was told the token expires within 7
// days / 1 day (each notice is sent once).
// `audit_log.token_id`: the personal access token a change was made with (null for a session).
export const tokenScopes = {
  version: 10,
  name: "token_scopes",
  sql: `
    ALTER TABLE personal_access_tokens ADD COLUMN scopes VARCHAR DEFAULT '["all"]';
    UPDATE personal_access_tokens SET scopes = '["all"]' WHERE scopes IS NULL;
    ALTER TABLE personal_access_tokens ADD COLUMN rotated_at TIMESTAMP;
    ALTER TABLE personal_access_tokens ADD COLUMN allowed_cidrs VARCHAR DEFAULT '[]';
    UPDATE personal_access_tokens SET allowed_cidrs = '[]' WHERE allowed_cidrs IS NULL;
    ALTER TABLE personal_access_tokens ADD COLUMN expiry_notice_7_at TIMESTAMP;
    ALTER TABLE personal_access_tokens ADD COLUMN expiry_notice_1_at TIMESTAMP;
    ALTER TABLE audit_log ADD COLUMN token_id VARCHAR;
    ALTER TABLE users ADD COLUMN kind VARCHAR DEFAULT 'person';
    UPDATE users SET kind = 'person' WHERE kind IS NULL;
    ALTER TABLE users ADD COLUMN description VARCHAR DEFAULT '';
    ALTER TABLE users ADD COLUMN created_by VARCHAR;
  `,
};
