// CLI sessions: a session started by `da login` through the browser or a device code is a row in
// `sessions` like any other (so sign-out, a password or role change and deactivation end it the
// same way), marked `kind = 'cli'` and named "da on <hostname>" for /profile and GET /auth/sessions.
// Rows from before this migration are browser (or password `da login`) sessions: kind 'browser'.
// DuckDB cannot add a column with a NOT NULL constraint; the repository always writes `kind`.
export const cliSessions = {
  version: 5,
  name: "cli_sessions",
  sql: `
    ALTER TABLE sessions ADD COLUMN kind VARCHAR DEFAULT 'browser';
    ALTER TABLE sessions ADD COLUMN name VARCHAR;
    UPDATE sessions SET kind = 'browser' WHERE kind IS NULL;
  `,
};
