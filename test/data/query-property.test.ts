// Property: generated SELECTs over a dataset give the same rows through POST /api/query as the same
// SQL run by DuckDB directly on the dataset's Parquet file (the sandbox, the statement check, the
// streaming reader and the JSON conversion change nothing).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import fc from "fast-check";
import { createTestApp, type TestApp } from "../helpers/app";
import { parquetFile } from "../../src/modules/data/files";
import { query, storeCsv } from "./helpers";

let t: TestApp;
let admin: string;
let direct: DuckDBConnection;
let source: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login();
  const rows = fc.sample(
    fc.tuple(
      fc.integer({ min: -1000, max: 1000 }),
      fc.constantFrom("north", "south", "east", "west", "o'hara", ""),
      fc.double({ min: -100, max: 100, noNaN: true }).map((d) => Math.round(d * 100) / 100),
    ),
    { numRuns: 500, seed: 22 },
  );
  await storeCsv(t, "facts", `k,region,v\n${rows.map(([k, r, v]) => `${k},"${r}",${v}`).join("\n")}\n`);
  const row = t.ctx.data.all()[0]!;
  source = `read_parquet('${parquetFile(t.ctx.config.data.datasetsDir, row.file_id)}')`;
  direct = await (await DuckDBInstance.create(":memory:")).connect();
});
afterAll(async () => {
  direct.closeSync();
  await t.close();
});

const column = fc.constantFrom("k", "region", "v");
const predicate = fc.oneof(
  fc.tuple(fc.constantFrom("k", "v"), fc.constantFrom("<", ">", "=", "<>", "<="), fc.integer({ min: -1000, max: 1000 })).map(([c, op, n]) => `${c} ${op} ${n}`),
  fc.constantFrom("north", "south", "o''hara", "").map((r) => `region = '${r}'`),
  fc.constant("TRUE"),
);
const selectArb = fc.oneof(
  fc
    .tuple(fc.uniqueArray(column, { minLength: 1, maxLength: 3 }), predicate, fc.integer({ min: 0, max: 600 }))
    .map(([cols, where, limit]) => `SELECT ${cols.join(", ")} FROM facts WHERE ${where} ORDER BY ALL LIMIT ${limit}`),
  fc
    .tuple(fc.constantFrom("sum(k)", "count(*)", "min(v)", "max(k)", "avg(k)", "count(DISTINCT region)", "sum(v)"), predicate)
    .map(([agg, where]) => `SELECT region, ${agg} AS a FROM facts WHERE ${where} GROUP BY region ORDER BY region`),
);

function plain(value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}

test("generated SELECTs: /api/query answers the rows DuckDB gives directly", async () => {
  await fc.assert(
    fc.asyncProperty(selectArb, async (sql) => {
      const res = await query(t, admin, sql, 10_000);
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { rows: unknown[][]; truncated: boolean };
      const expected = (await direct.runAndReadAll(sql.replace("FROM facts", `FROM ${source}`))).getRowsJS().map((r) => r.map(plain));
      expect(answer.rows).toEqual(expected);
      expect(answer.truncated).toBe(false);
    }),
    { numRuns: 120 },
  );
});
