// Single-use password reset links: only a SHA-256 of the random token is stored.
export const passwordResets = {
  version: 2,
  name: "password_resets",
  sql: `
    CREATE TABLE password_resets (
      id VARCHAR PRIMARY KEY,
      user_id VARCHAR NOT NULL,
      token_hash VARCHAR NOT NULL,
      created_by VARCHAR,
      created_at TIMESTAMP NOT NULL,
      expires_at TIMESTAMP NOT NULL,
      used_at TIMESTAMP
    );
    CREATE UNIQUE INDEX password_resets_hash ON password_resets (token_hash);
  `,
};
