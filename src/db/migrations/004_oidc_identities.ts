// Single sign-on identities: an account is bound to (issuer, sub) at its first SSO sign-in, and only
// that pair finds it afterwards (an email change at the provider cannot move it to another account).
// `provider` is the OIDC_PROVIDERS id it was bound through; `email` is what the provider said last;
// `last_login_at` is the last SSO sign-in through this identity.
export const oidcIdentities = {
  version: 4,
  name: "oidc_identities",
  sql: `
    CREATE TABLE oidc_identities (
      issuer VARCHAR NOT NULL,
      subject VARCHAR NOT NULL,
      user_id VARCHAR NOT NULL,
      provider VARCHAR NOT NULL,
      email VARCHAR,
      created_at TIMESTAMP NOT NULL,
      last_login_at TIMESTAMP,
      PRIMARY KEY (issuer, subject)
    );
    CREATE INDEX oidc_identities_user ON oidc_identities (user_id);
  `,
};
