// The sandbox's claims, each checked on DuckDB itself (src/modules/data/sandbox.ts): why datasets
// are attached DuckDB files and not views over Parquet, that every new connection is locked down,
// and that the statement check is what stops in-memory ATTACH/DETACH/CREATE.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { QuerySandbox } from "../../src/modules/data/sandbox";
import { prepareSelect } from "../../src/modules/data/query-service";

let dir: string;
let sandbox: QuerySandbox;
const rows = async (sql: string) => {
  const { connection, release } = await sandbox.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowsJson();
  } finally {
    release();
  }
};
const fails = async (sql: string) =>
  rows(sql).then(
    () => "ran",
    (error: Error) => error.message,
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agnes-sandbox-"));
  const maker = await (await DuckDBInstance.create(":memory:")).connect();
  await maker.run(`COPY (SELECT range AS x FROM range(10)) TO '${dir}/t.parquet' (FORMAT parquet)`);
  await maker.run(`ATTACH '${dir}/t.duckdb' AS out; CREATE TABLE out.data AS SELECT * FROM '${dir}/t.parquet'; DETACH out`);
  maker.closeSync();
  sandbox = await QuerySandbox.open([{ name: "t", file: `${dir}/t.duckdb` }], { memoryMb: 128, threads: 1 });
});
afterAll(() => {
  sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

test("DuckDB fact: a view over a Parquet file stops reading once external access is off", async () => {
  const connection = await (await DuckDBInstance.create(":memory:")).connect();
  await connection.run(`CREATE VIEW v AS SELECT * FROM read_parquet('${dir}/t.parquet')`);
  expect((await connection.runAndReadAll("SELECT count(*) FROM v")).getRowsJson()).toEqual([["10"]]);
  await connection.run("SET enable_external_access = false");
  await expect(connection.runAndReadAll("SELECT count(*) FROM v")).rejects.toThrow(/Permission Error/);
  connection.closeSync();
});

test("an attached dataset reads on every new connection; the settings are locked there", async () => {
  expect(await rows("SELECT count(*) FROM t")).toEqual([["10"]]);
  expect(await rows("SELECT current_setting('enable_external_access'), current_setting('lock_configuration'), current_setting('temp_directory')")).toEqual([
    [false, true, ""],
  ]);
  expect(await fails("SET enable_external_access = true")).toMatch(/configuration has been locked/);
  expect(await fails("SET memory_limit = '10GB'")).toMatch(/configuration has been locked/);
  expect(await fails(`SELECT * FROM read_parquet('${dir}/t.parquet')`)).toMatch(/Permission Error/);
  expect(await fails(`ATTACH '${dir}/other.duckdb' AS other`)).toMatch(/Permission Error/);
  expect(await fails(`COPY (SELECT 1) TO '${dir}/out.csv'`)).toMatch(/Permission Error/);
  expect(await fails("INSERT INTO ds_t.data VALUES (1)")).toMatch(/read-only/);
  expect(await fails("INSTALL httpfs")).not.toBe("ran");
});

test("in-memory ATTACH would run in DuckDB: the SELECT-only check is what refuses it", async () => {
  const { connection, release } = await sandbox.connect();
  try {
    for (const sql of ["ATTACH ':memory:' AS m", "CREATE TABLE x AS SELECT 1", "DETACH ds_t", "EXPLAIN ANALYZE SELECT 1", "CALL pragma_version()"]) {
      await expect(prepareSelect(connection, sql)).rejects.toThrow(/Only SELECT/);
    }
    await expect(prepareSelect(connection, "SELECT 1; SELECT 2")).rejects.toThrow(/exactly one/);
    await connection.run("ATTACH ':memory:' AS m"); // what the check exists for
    await connection.run("DETACH m");
  } finally {
    release();
  }
});
