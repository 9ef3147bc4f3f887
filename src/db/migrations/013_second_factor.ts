// Second factors (issue 26): an authenticator app (TOTP), its recovery codes, passkeys, and the people
// a sign-in found without a factor while MFA_REQUIRED covers them (held to enrolment, like
// password_change_required). Tables of their own: DuckDB cannot ALTER `users`. The TOTP secret is
// stored encrypted (src/shared/signing.ts `encryptSecret`), recovery codes as SHA-256 hashes.
export const secondFactor = {
  version: 13,
  name: "second_factor",
  sql: `
    CREATE TABLE totp_factors (
      user_id VARCHAR PRIMARY KEY,
      secret_enc VARCHAR NOT NULL,
      created_at TIMESTAMP NOT NULL,
      confirmed_at TIMESTAMP,
      last_step BIGINT
    );
    CREATE TABLE recovery_codes (
      user_id VARCHAR NOT NULL,
      code_hash VARCHAR NOT NULL,
      created_at TIMESTAMP NOT NULL,
      used_at TIMESTAMP
    );
    CREATE TABLE passkeys (
      id VARCHAR PRIMARY KEY,
      user_id VARCHAR NOT NULL,
      credential_id VARCHAR NOT NULL,
      public_key VARCHAR NOT NULL,
      counter BIGINT NOT NULL,
      transports VARCHAR NOT NULL,
      name VARCHAR NOT NULL,
      created_at TIMESTAMP NOT NULL,
      last_used_at TIMESTAMP
    );
    CREATE TABLE second_factor_required (
      user_id VARCHAR PRIMARY KEY,
      since TIMESTAMP NOT NULL
    );
  `,
};
