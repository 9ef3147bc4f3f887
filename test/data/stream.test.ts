// POST /api/query streamed as CSV or NDJSON (Accept or ?format=): every row past QUERY_MAX_ROWS,
// cut at QUERY_MAX_RESULT_MB, refusals before the stream as JSON, the slot freed when the client goes;
// and as Parquet, built before it is sent (a clean 413 when too large).
import { afterEach, expect, test } from "bun:test";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { createTestApp, type TestApp } from "../helpers/app";
import { storeDataset } from "../../src/modules/data/datasets";
import { newUploadPath } from "../../src/modules/data/files";
import { adminPrincipal, patFor, storeCsv } from "./helpers";

let t: TestApp;
afterEach(async () => {
  await t.close();
});

async function setup(env: Record<string, string> = {}) {
  t = await createTestApp({ env: { QUERY_MAX_ROWS: "10", ...env } });
  return patFor(t, await t.login());
}
const post = (pat: string, sql: string, path = "/api/query", accept = "application/json") =>
  t.handle(path, { method: "POST", headers: { authorization: `Bearer ${pat}`, "content-type": "application/json", accept }, body: JSON.stringify({ sql }) });

test("CSV by ?format= and NDJSON by Accept carry every row, past QUERY_MAX_ROWS", async () => {
  const pat = await setup();
  await storeCsv(t, "sales", 'region,amount\nnorth,10\n"sou,th",20\n');
  const csv = await post(pat, "SELECT range AS n, 'a\"b' AS s FROM range(100000)", "/api/query?format=csv");
  expect(csv.status).toBe(200);
  expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
  const lines = (await csv.text()).split("\r\n");
  expect(lines[0]).toBe("n,s");
  expect(lines[1]).toBe('0,"a""b"');
  expect(lines).toHaveLength(100_002); // header, rows, and the empty string after the last CRLF
  const nd = await post(pat, "SELECT region, amount FROM sales ORDER BY amount", "/api/query", "application/x-ndjson");
  expect(nd.headers.get("content-type")).toBe("application/x-ndjson");
  expect(
    (await nd.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l)),
  ).toEqual([
    { region: "north", amount: 10 },
    { region: "sou,th", amount: 20 },
  ]);
  await t.ctx.data.audits.flush(); // written just after each answer
  const entries = await t.ctx.db.query<{ params: string }>("SELECT params FROM audit_log WHERE action = 'data.query' ORDER BY created_at, id");
  expect(JSON.parse(entries[0]!.params)).toMatchObject({ rows: 100_000, result: "ok" });
});

test("a result past QUERY_MAX_RESULT_MB is cut: the body fails, the audit says too_large", async () => {
  const pat = await setup({ QUERY_MAX_RESULT_MB: "1" });
  const res = await post(pat, "SELECT repeat('x', 100) AS s FROM range(50000)", "/api/query?format=ndjson");
  expect(res.status).toBe(200);
  await expect(res.text()).rejects.toThrow();
  for (let i = 0; i < 20 && (await t.ctx.db.query("SELECT 1 FROM audit_log WHERE action = 'data.query'")).length === 0; i++) await Bun.sleep(25);
  const [entry] = await t.ctx.db.query<{ params: string }>("SELECT params FROM audit_log WHERE action = 'data.query'");
  expect(JSON.parse(entry!.params)).toMatchObject({ result: "too_large" });
});

test("refusals come before the stream as JSON; a bad format 422", async () => {
  const pat = await setup();
  const bad = await post(pat, "CREATE TABLE y AS SELECT 1", "/api/query?format=csv");
  expect(bad.status).toBe(403);
  expect(await bad.json()).toEqual({ detail: "Only SELECT queries are allowed" });
  expect((await post(pat, "SELEC 1", "/api/query", "text/csv")).status).toBe(400);
  expect((await post(pat, "SELECT 1", "/api/query?format=xml")).status).toBe(422);
});

test("a client that goes away frees the slot: with QUERY_CONCURRENCY=1 the next query runs", async () => {
  const pat = await setup({ QUERY_CONCURRENCY: "1", QUERY_TIMEOUT_S: "30" });
  const res = await post(pat, "SELECT * FROM range(100000000)", "/api/query?format=csv");
  const reader = res.body!.getReader();
  await reader.read();
  await reader.cancel();
  const next = await post(pat, "SELECT 42 AS x");
  expect(next.status).toBe(200);
  expect(((await next.json()) as { rows: unknown[][] }).rows).toEqual([[42]]);
});

test("Parquet by Accept or ?format=: every row, readable by DuckDB; past QUERY_MAX_RESULT_MB a clean 413; no file left", async () => {
  const pat = await setup({ QUERY_MAX_RESULT_MB: "1" });
  const res = await post(pat, "SELECT range AS n, 'r' || range AS s, [range] AS l FROM range(20000)", "/api/query", "application/vnd.apache.parquet");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/vnd.apache.parquet");
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect(res.headers.get("content-length")).toBe(String(bytes.byteLength));
  const file = join(t.dataDir, "got.parquet");
  writeFileSync(file, bytes);
  const connection = await (await DuckDBInstance.create(":memory:")).connect();
  expect((await connection.runAndReadAll(`SELECT count(*), max(n), max(s), max(l[1]) FROM '${file}'`)).getRowsJson()).toEqual([
    ["20000", "19999", "r9999", "19999"],
  ]);
  connection.closeSync();
  const big = await post(pat, "SELECT repeat('x', 100) AS s FROM range(50000)", "/api/query?format=parquet");
  expect(big.status).toBe(413);
  expect(((await big.json()) as { detail: string }).detail).toMatch(/QUERY_MAX_RESULT_MB/);
  expect(readdirSync(join(t.ctx.config.data.datasetsDir, ".tmp"))).toEqual([]);
});

test("a large LIMIT streams: 1,000,000 rows of a stored dataset as CSV within a 48 MB query memory limit", async () => {
  // With DuckDB's default insertion-order preservation a LIMIT collected all its rows before the
  // first was sent (~90 MB for these): out of memory here, and the first export's RSS jump.
  const pat = await setup({ QUERY_MEMORY_MB: "48" });
  const file = await newUploadPath(t.ctx.config.data.datasetsDir);
  const maker = await (await DuckDBInstance.create(":memory:")).connect();
  await maker.run(`COPY (SELECT range AS id, range % 1000 AS k, range * 0.5 AS v FROM range(2000000)) TO '${file}' (FORMAT parquet)`);
  maker.closeSync();
  await storeDataset(t.ctx, { me: adminPrincipal(t.ctx), ip: null }, "big", file, false);
  const csv = await post(pat, "SELECT id, k, v FROM big LIMIT 1000000", "/api/query?format=csv");
  expect(csv.status).toBe(200);
  const lines = (await csv.text()).split("\r\n");
  expect(lines).toHaveLength(1_000_002);
  expect(lines[0]).toBe("id,k,v");
  await t.ctx.data.audits.flush(); // written just after each answer
  const entries = await t.ctx.db.query<{ params: string }>("SELECT params FROM audit_log WHERE action = 'data.query' ORDER BY created_at, id");
  expect(JSON.parse(entries.at(-1)!.params)).toMatchObject({ rows: 1_000_000, result: "ok" });
});
