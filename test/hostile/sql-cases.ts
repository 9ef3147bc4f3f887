// Hostile SQL as a class: fast-check arbitraries that build statements from parts (what is tried ×
// which file × how it is wrapped), for test/hostile/sql.test.ts against the real server.
import fc from "fast-check";

/** Where the test server keeps what must stay out of reach (filled in by the test). */
export type Targets = {
  dataDir: string;
  datasetsDir: string;
  /** A file inside DATASETS_DIR that is a symlink to system.duckdb. */
  symlink: string;
  /** A file holding the canary text, outside DATASETS_DIR. */
  canaryFile: string;
  /** A dataset's own Parquet file: reading it by path is refused too (only the view reads it). */
  datasetFile: string;
  port: number;
};

const READERS = [
  "read_csv",
  "read_csv_auto",
  "read_text",
  "read_blob",
  "read_parquet",
  "parquet_scan",
  "read_json",
  "read_json_auto",
  "read_ndjson",
  "glob",
  "parquet_metadata",
  "parquet_schema",
  "sniff_csv",
  "read_json_objects",
];

export function pathArb(t: Targets): fc.Arbitrary<string> {
  const system = `${t.dataDir}/state/system.duckdb`;
  return fc.constantFrom(
    system,
    `${t.dataDir}/state/jwt-secret`,
    `${t.datasetsDir}/../state/system.duckdb`,
    "state/system.duckdb",
    "../state/system.duckdb",
    "./data/state/system.duckdb",
    t.symlink,
    t.canaryFile,
    t.datasetFile,
    `${t.datasetsDir}/*`,
    `${t.dataDir}/**`,
    "/etc/passwd",
    "/proc/self/environ",
    "/proc/self/cmdline",
    "/proc/self/cwd/package.json",
    "~/.bashrc",
    "~",
    "file:///etc/passwd",
    `http://127.0.0.1:${t.port}/health`,
    "s3://bucket/x.parquet",
    `${system}.wal`,
    `${t.datasetsDir}/new.duckdb`,
    `${t.datasetsDir}/out.csv`,
    "/tmp/agnes-written-by-sql.csv",
  );
}

/** Statements that must never run (each is refused with a 4xx). */
export function forbiddenArb(t: Targets): fc.Arbitrary<string> {
  const path = pathArb(t);
  const q = (p: string) => `'${p.replaceAll("'", "''")}'`;
  return fc.oneof(
    path.map((p) => `ATTACH ${q(p)} AS sys`),
    path.map((p) => `ATTACH ${q(p)} AS sys (READ_ONLY)`),
    path.map((p) => `ATTACH ${q(p)}`),
    fc.constantFrom("ATTACH ':memory:' AS m", "ATTACH '' AS m", "DETACH ds_sales", "USE ds_sales", "DETACH DATABASE memory"),
    path.map((p) => `COPY (SELECT 1) TO ${q(p)}`),
    path.map((p) => `COPY sales TO ${q(p)} (FORMAT parquet)`),
    path.map((p) => `COPY sales FROM ${q(p)}`),
    path.map((p) => `EXPORT DATABASE ${q(p)}`),
    path.map((p) => `IMPORT DATABASE ${q(p)}`),
    path.map((p) => `INSTALL ${q(p)}`),
    path.map((p) => `LOAD ${q(p)}`),
    fc.constantFrom("INSTALL httpfs", "LOAD httpfs", "INSTALL json FROM community", "FORCE INSTALL parquet", "LOAD sqlite"),
    fc.constantFrom(
      "SET enable_external_access = true",
      "SET lock_configuration = false",
      "RESET enable_external_access",
      "RESET ALL",
      "SET memory_limit = '100GB'",
      "SET allowed_directories = ['/']",
      "SET GLOBAL threads = 64",
      "SET temp_directory = '/tmp'",
      "PRAGMA memory_limit = '100GB'",
      "PRAGMA enable_profiling",
      "PRAGMA threads = 64",
      "CALL pragma_version()",
      "CALL duckdb_settings()",
      "CHECKPOINT",
      "FORCE CHECKPOINT",
      "VACUUM",
      "BEGIN TRANSACTION",
      "ROLLBACK",
      "PREPARE p AS SELECT 1",
      "EXECUTE p",
      "EXPLAIN SELECT 1",
      "EXPLAIN ANALYZE SELECT 1",
      "EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1",
      "ANALYZE",
    ),
    fc.constantFrom(
      "CREATE TABLE t AS SELECT 1",
      "CREATE TEMP TABLE t (x INT)",
      "CREATE VIEW v AS SELECT 1",
      "CREATE OR REPLACE VIEW sales AS SELECT 'hijacked' AS x",
      "CREATE MACRO m(x) AS x",
      "CREATE SEQUENCE s",
      "CREATE SCHEMA s",
      "CREATE SECRET (TYPE s3, KEY_ID 'x', SECRET 'y')",
      "DROP VIEW sales",
      "DROP SCHEMA ds_sales.main CASCADE",
      "ALTER VIEW sales RENAME TO s2",
      "INSERT INTO sales VALUES ('x', 1)",
      "UPDATE sales SET amount = 0",
      "DELETE FROM sales",
      "TRUNCATE sales",
      "INSERT INTO ds_sales.data VALUES ('x', 1)",
      "DELETE FROM ds_sales.data",
      "CREATE TABLE ds_sales.evil AS SELECT 1",
      "COMMENT ON VIEW sales IS 'x'",
      "UPDATE EXTENSIONS",
    ),
  );
}

/** How a forbidden statement is smuggled in. */
export function wrapArb(): fc.Arbitrary<(sql: string) => string> {
  return fc.constantFrom(
    (s: string) => s,
    (s: string) => `${s};`,
    (s: string) => `  \n\t${s}  ;  `,
    (s: string) => `/* comment */ ${s}`,
    (s: string) => `-- line comment\n${s}`,
    (s: string) => `SELECT 1; ${s}`,
    (s: string) => `${s}; SELECT 1`,
    (s: string) => `SELECT 1 /* ; */; ${s}`,
    (s: string) => `SELECT ';' AS a; ${s}`,
    (s: string) => `SELECT 1 -- ;\n; ${s}`,
    (s: string) => s.toLowerCase(),
    (s: string) => s.replace(/ /g, "\n"),
    (s: string) => `WITH x AS (SELECT 1) ${s}`,
    (s: string) => `SELECT * FROM query('${s.replaceAll("'", "''")}')`,
    (s: string) => `SELECT * FROM query_table('${s.replaceAll("'", "''")}')`,
    (s: string) => `SELECT 1\uff1b ${s}`, // fullwidth semicolon
    (s: string) => s.replace("A", "\u0410"), // Cyrillic A
    (s: string) => `SELECT 1;\u0000${s}`,
    (s: string) => `SELECT 1\n;${s}\n;`,
  );
}

/** SELECTs that may run but must not read outside the datasets or leak a secret. */
export function probeArb(t: Targets): fc.Arbitrary<string> {
  const path = pathArb(t);
  const q = (p: string) => `'${p.replaceAll("'", "''")}'`;
  return fc.oneof(
    fc.tuple(fc.constantFrom(...READERS), path).map(([reader, p]) => `SELECT * FROM ${reader}(${q(p)})`),
    path.map((p) => `SELECT * FROM ${q(p)}`),
    path.map((p) => `FROM ${q(p)}`),
    path.map((p) => `SELECT * FROM read_csv([${q(p)}, ${q(p)}])`),
    fc.constantFrom(
      "SELECT getenv('HOME')",
      "SELECT getenv('JWT_SECRET_KEY')",
      "SELECT current_setting('home_directory')",
      "SELECT current_setting('secret_directory')",
      "SELECT current_setting('extension_directory')",
      "SELECT * FROM duckdb_secrets()",
      "SELECT * FROM duckdb_extensions() WHERE loaded",
      "SELECT * FROM which_secret('s3://x', 's3')",
      "SELECT * FROM pragma_database_list",
      "SELECT * FROM duckdb_databases()",
      "SELECT * FROM duckdb_tables()",
      "SELECT * FROM sales",
      "SELECT * FROM ds_sales.data",
      "SELECT * FROM system.main.users",
      "SELECT * FROM users",
      "SELECT * FROM personal_access_tokens",
      "SELECT * FROM memory.main.users",
      "SELECT * FROM read_parquet(list_value((SELECT path FROM duckdb_databases() WHERE path IS NOT NULL LIMIT 1)))",
    ),
  );
}

/** Queries that would eat the machine if nothing stopped them: each must end with a 4xx. */
export const RUNAWAYS: string[] = [
  "SELECT count(*) FROM range(100000) a, range(100000) b, range(100000) c",
  "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
  "WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM r) SELECT max(length(s)) FROM r",
  "SELECT list(range) FROM range(1000000000)",
  "SELECT string_agg(x::VARCHAR, ',') FROM range(1000000000) t(x)",
  "PIVOT (SELECT range AS k, 1 AS v FROM range(200000)) ON k USING first(v)",
  "SELECT * FROM range(1000000) a, range(1000000) b ORDER BY random()",
  `SELECT ${"(".repeat(20000)}1${")".repeat(20000)}`,
];

/**
 * Wide but small: 3,000 columns of one row is an answer, not a runaway. On an idle machine it is
 * answered (200); on a loaded one it may hit the timeout. Either way a clean status, never a 5xx.
 */
export const WIDE_RESULTS: string[] = [`SELECT ${Array.from({ length: 3000 }, (_, i) => `${i} AS c${i}`).join(", ")}`];

/**
 * One function call that builds a giant value: DuckDB's memory_limit does not bound it and it cannot
 * be interrupted (it runs 10–40 s here). The server answers 408 at the timeout plus a grace and
 * keeps the slot until DuckDB returns (the README's limits).
 */
export const GIANT_VALUES: string[] = ["SELECT repeat('x', 2000000000)", "SELECT length(repeat('x', 1500000000))"];
