// Datasets (src/modules/data): one row per dataset a user may query or sync. The data itself lives
// in files under DATASETS_DIR named by `file_id` (a Parquet copy for downloads and sync, a
// read-only DuckDB copy for the query sandbox); a replace writes new files under a new id.
// `columns` is a JSON array of {name, type}. `uploaded_by` is a user id (no foreign keys, see
// docs/architecture.md); the audit trail keeps the email.
export const datasets = {
  version: 8,
  name: "datasets",
  sql: `
    CREATE TABLE datasets (
      name VARCHAR PRIMARY KEY,
      file_id VARCHAR NOT NULL,
      columns VARCHAR NOT NULL,
      row_count BIGINT NOT NULL,
      size_bytes BIGINT NOT NULL,
      hash VARCHAR NOT NULL,
      created_at TIMESTAMP NOT NULL,
      updated_at TIMESTAMP NOT NULL,
      uploaded_by VARCHAR
    );
  `,
};
