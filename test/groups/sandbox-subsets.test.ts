// The per-reader sandbox (src/modules/data/sandbox.ts): an instance over only the datasets someone
// may read, where the others cannot be named (not even through the attached database's own name);
// kept per set, evicted least recently used first, and still usable by a query that holds it while
// datasets change.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { MAX_SUBSETS, QuerySandbox, type SandboxDataset } from "../../src/modules/data/sandbox";

let dir: string;
let datasets: SandboxDataset[];
let sandbox: QuerySandbox;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agnes-subsets-"));
  const maker = await (await DuckDBInstance.create(":memory:")).connect();
  for (const name of ["a", "b", "c"]) await maker.run(`ATTACH '${dir}/${name}.duckdb' AS out; CREATE TABLE out.data AS SELECT '${name}' AS v; DETACH out`);
  maker.closeSync();
  datasets = ["a", "b", "c"].map((name) => ({ name, file: `${dir}/${name}.duckdb` }));
  sandbox = await QuerySandbox.open(datasets, { memoryMb: 128, threads: 1 });
});
afterAll(() => {
  sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(only: string[] | null, sql: string): Promise<string> {
  const { connection, release } = await sandbox.connect(only);
  try {
    return JSON.stringify((await connection.runAndReadAll(sql)).getRowsJson());
  } catch (error) {
    return (error as Error).message;
  } finally {
    release();
  }
}

test("a reader of some datasets cannot name the others, by view or by attached database", async () => {
  expect(await run(["a"], "SELECT v FROM a")).toBe('[["a"]]');
  expect(await run(["a"], "SELECT v FROM b")).toContain("Table with name b does not exist");
  expect(await run(["a"], "SELECT v FROM ds_b.main.data")).toContain("ds_b");
  expect(await run(["a"], "SELECT count(*) FROM duckdb_databases() WHERE database_name LIKE 'ds_%'")).toBe('[["1"]]');
  expect(await run(null, "SELECT v FROM b")).toBe('[["b"]]');
  expect(await run([], "SELECT 1")).toBe("[[1]]");
});

test("more distinct sets than MAX_SUBSETS: every query still answers; a held connection survives a rebuild", async () => {
  const sets = Array.from({ length: MAX_SUBSETS + 5 }, (_, i) => (i % 2 ? ["a"] : ["b"]).concat(i % 3 ? ["c"] : []).concat(`x${i}`));
  for (const set of sets) expect(await run(set, `SELECT v FROM ${set[0]}`)).toBe(`[["${set[0]}"]]`);
  const held = await sandbox.connect(["c"]);
  await sandbox.rebuild(datasets.slice(0, 2)); // c is gone for new queries
  expect(JSON.stringify((await held.connection.runAndReadAll("SELECT v FROM c")).getRowsJson())).toBe('[["c"]]');
  held.release();
  expect(await run(["c"], "SELECT v FROM c")).toContain("does not exist");
});
