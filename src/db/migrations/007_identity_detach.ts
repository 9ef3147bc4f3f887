// People an admin has detached from their provider's groups: the groups no longer manage their role
// (an admin sets it, sign-ins leave it alone, a sign-in with no mapped group is not refused).
// A table of its own rather than a column on `users`: DuckDB cannot ALTER a table that has indexes.
export const identityDetach = {
  version: 7,
  name: "identity_detach",
  sql: `
    CREATE TABLE sso_groups_detached (
      user_id VARCHAR PRIMARY KEY,
      detached_at TIMESTAMP NOT NULL,
      detached_by VARCHAR
    );
  `,
};
