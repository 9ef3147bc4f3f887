// Personal access tokens: only a SHA-256 of the whole token string is stored (see src/auth/pat-format.ts).
export const personalAccessTokens = {
  version: 3,
  name: "personal_access_tokens",
  sql: `
    CREATE TABLE personal_access_tokens (
      id VARCHAR PRIMARY KEY,
      user_id VARCHAR NOT NULL,
      name VARCHAR NOT NULL,
      token_hash VARCHAR NOT NULL,
      prefix VARCHAR NOT NULL,
      created_at TIMESTAMP NOT NULL,
      expires_at TIMESTAMP,
      last_used_at TIMESTAMP,
      last_used_ip VARCHAR,
      revoked_at TIMESTAMP
    );
    CREATE UNIQUE INDEX personal_access_tokens_hash ON personal_access_tokens (token_hash);
    CREATE INDEX personal_access_tokens_user ON personal_access_tokens (user_id);
  `,
};
