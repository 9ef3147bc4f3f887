// OAuth 2.1 for MCP and other third-party clients (src/modules/oauth).
// - oauth_clients: dynamically registered public clients (RFC 7591; no secret), their exact
//   redirect URIs (a JSON array), who registered them and when they were last used (clients unused
//   for 30 days are removed);
// - oauth_grants: one person's consent to one client, one row per authorization: the refresh-token
//   family. Revoking it (the person, an admin, a reused refresh token, an account event) ends every
//   token of the family. `addresses` (a JSON array) are the addresses its tokens were used from, so
//   a use from a new one is audited once;
// - oauth_tokens: access and refresh tokens of a grant, only as SHA-256 hashes. A refresh token is
//   single-use: `used_at` marks it rotated, and presenting it again revokes the grant.
// Authorization codes live 60 seconds and only in memory.
export const oauth = {
  version: 12,
  name: "oauth",
  sql: `
    CREATE TABLE oauth_clients (
      id VARCHAR PRIMARY KEY,
      name VARCHAR NOT NULL,
      redirect_uris VARCHAR NOT NULL,
      created_at TIMESTAMP NOT NULL,
      created_by VARCHAR,
      created_ip VARCHAR,
      last_used_at TIMESTAMP
    );
    CREATE TABLE oauth_grants (
      id VARCHAR PRIMARY KEY,
      user_id VARCHAR NOT NULL,
      client_id VARCHAR NOT NULL,
      scopes VARCHAR NOT NULL,
      resource VARCHAR NOT NULL,
      created_at TIMESTAMP NOT NULL,
      last_used_at TIMESTAMP,
      last_used_ip VARCHAR,
      addresses VARCHAR NOT NULL,
      revoked_at TIMESTAMP,
      revoked_reason VARCHAR
    );
    CREATE INDEX oauth_grants_user ON oauth_grants (user_id);
    CREATE TABLE oauth_tokens (
      id VARCHAR PRIMARY KEY,
      grant_id VARCHAR NOT NULL,
      kind VARCHAR NOT NULL,
      token_hash VARCHAR NOT NULL UNIQUE,
      created_at TIMESTAMP NOT NULL,
      expires_at TIMESTAMP NOT NULL,
      used_at TIMESTAMP
    );
    CREATE INDEX oauth_tokens_grant ON oauth_tokens (grant_id);
  `,
};
