// Invitations (an admin invites someone by email; only SHA-256 of the link's token is stored) and the
// accounts whose password an admin set, which must be changed at the next sign-in. The second is a
// table of its own rather than a column on `users`: DuckDB cannot ALTER a table that has indexes.
// No index on invitations.token_hash: a resend replaces the hash, and DuckDB refuses some updates of
// indexed columns inside a transaction; the table holds a few hundred rows at most.
export const onboarding = {
  version: 11,
  name: "onboarding",
  sql: `
    CREATE TABLE invitations (
      id VARCHAR PRIMARY KEY,
      email VARCHAR NOT NULL,
      role VARCHAR NOT NULL,
      token_hash VARCHAR NOT NULL,
      created_by VARCHAR,
      created_at TIMESTAMP NOT NULL,
      expires_at TIMESTAMP NOT NULL,
      sent_count INTEGER NOT NULL,
      accepted_at TIMESTAMP,
      accepted_user_id VARCHAR,
      revoked_at TIMESTAMP,
      revoked_by VARCHAR
    );
    CREATE TABLE password_change_required (
      user_id VARCHAR PRIMARY KEY,
      since TIMESTAMP NOT NULL,
      set_by VARCHAR
    );
  `,
};
