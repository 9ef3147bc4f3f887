// Users, server-side sessions and the audit trail. Emails are stored trimmed and lower-cased, which
// makes the unique index case-insensitive. No foreign keys: DuckDB's FK checks turn updates of
// referenced rows into errors, so deletes cascade in the services instead.
export const initial = {
  version: 1,
  name: "users, sessions, audit_log",
  sql: `
    CREATE TABLE users (
      id VARCHAR PRIMARY KEY,
      email VARCHAR NOT NULL,
      name VARCHAR NOT NULL DEFAULT '',
      role VARCHAR NOT NULL,
      password_hash VARCHAR,
      active BOOLEAN NOT NULL DEFAULT TRUE,
      deactivated_at TIMESTAMP,
      deactivated_by VARCHAR,
      created_at TIMESTAMP NOT NULL,
      updated_at TIMESTAMP NOT NULL,
      last_login_at TIMESTAMP
    );
    CREATE UNIQUE INDEX users_email_unique ON users (email);

    CREATE TABLE sessions (
      id VARCHAR PRIMARY KEY,
      user_id VARCHAR NOT NULL,
      created_at TIMESTAMP NOT NULL,
      expires_at TIMESTAMP NOT NULL,
      last_seen_at TIMESTAMP,
      ip VARCHAR,
      user_agent VARCHAR,
      ended_at TIMESTAMP
    );
    CREATE INDEX sessions_user ON sessions (user_id);

    CREATE TABLE audit_log (
      id VARCHAR PRIMARY KEY,
      created_at TIMESTAMP NOT NULL,
      actor_id VARCHAR,
      actor_email VARCHAR,
      action VARCHAR NOT NULL,
      target VARCHAR,
      params VARCHAR NOT NULL DEFAULT '{}',
      ip VARCHAR
    );
    CREATE INDEX audit_log_created ON audit_log (created_at);
  `,
};
