// Groups and grants (src/modules/groups): who may read which dataset. `groups.source` is "agnes"
// for groups made here, or the id of the identity provider whose sign-ins keep it in step (its
// name is then the IdP's). `group_members.source` says where a membership came from: "agnes" (an
// admin, by hand; sync never touches it) or the provider id (sync added it, and sync alone removes
// it). Members are user ids, so service accounts (rows in `users`) join groups like people.
// `everyone` is the built-in group of every active user: it has no member rows. Datasets that
// existed before groups keep being readable by everyone. No unique indexes or foreign keys (see
// docs/architecture.md): the service keeps names unique per source inside its transaction.
export const groups = {
  version: 9,
  name: "groups",
  sql: `
    CREATE TABLE groups (
      id VARCHAR PRIMARY KEY,
      name VARCHAR NOT NULL,
      description VARCHAR NOT NULL,
      source VARCHAR NOT NULL,
      created_at TIMESTAMP NOT NULL
    );
    CREATE TABLE group_members (
      group_id VARCHAR NOT NULL,
      user_id VARCHAR NOT NULL,
      source VARCHAR NOT NULL,
      created_at TIMESTAMP NOT NULL,
      PRIMARY KEY (group_id, user_id)
    );
    CREATE TABLE dataset_grants (
      dataset VARCHAR NOT NULL,
      group_id VARCHAR NOT NULL,
      created_at TIMESTAMP NOT NULL,
      PRIMARY KEY (dataset, group_id)
    );
    INSERT INTO groups VALUES ('everyone', 'Everyone', 'Every active user', 'agnes', now()::TIMESTAMP);
    INSERT INTO dataset_grants SELECT name, 'everyone', now()::TIMESTAMP FROM datasets;
  `,
};
