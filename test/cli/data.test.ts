// `da admin datasets`, `da query` and `da sync` with the compiled binary against the real server:
// load CSV and Parquet, query in every format, the token check from the original plan (a PAT in
// DA_TOKEN works, and fails once revoked), sync with resume and a refused corrupt download.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { SyncManifest } from "../../src/shared/contract";
import type { RunningServer } from "../helpers/server";
import { daBinary, hasStackTrace, runDa, sandbox, type Sandbox } from "../helpers/cli";
import { ADMIN, createPat, daLogin, getJson, sessionToken, startAgnes } from "./fixtures";

let server: RunningServer;
let admin: Sandbox;
beforeAll(async () => {
  [server] = await Promise.all([startAgnes(), daBinary()]);
  admin = sandbox();
  await daLogin(admin, server);
  writeFileSync(join(admin.home, "sales.csv"), "region,amount\nnorth,10\nsouth,20\n");
  const connection = await (await DuckDBInstance.create(":memory:")).connect();
  await connection.run(`COPY (SELECT range AS id, 'n' || range AS label FROM range(5000)) TO '${join(admin.home, "big.parquet")}' (FORMAT parquet)`);
  connection.closeSync();
});
afterAll(async () => {
  admin?.cleanup();
  await server?.stop();
});

test("load CSV and Parquet, list, query in every format, replace, delete", async () => {
  const loaded = await runDa(["admin", "datasets", "load", "sales.csv", "--name", "sales"], { env: admin.env });
  expect(loaded.stderr).toContain("Loaded sales: 2 rows, 2 columns");
  expect(loaded.stderr).not.toContain("\r"); // piped: no progress bar
  expect(loaded.code).toBe(0);
  expect((await runDa(["admin", "datasets", "load", join(admin.home, "big.parquet"), "--name", "big", "--json"], { env: admin.env })).stdout).toContain(
    '"rows": 5000',
  );
  expect((await runDa(["admin", "datasets", "list"], { env: admin.env })).stdout).toMatch(/big\s+5000\s+2/);
  const csv = await runDa(["query", "SELECT region, amount FROM sales ORDER BY region"], { env: admin.env });
  expect(csv.stdout).toBe("region,amount\r\nnorth,10\r\nsouth,20\r\n");
  const json = JSON.parse((await runDa(["query", "--sql", "SELECT count(*) AS n FROM big", "--format", "json"], { env: admin.env })).stdout);
  expect(json).toMatchObject({ columns: ["n"], rows: [[5000]], truncated: false });
  const ndjson = await runDa(["query", "--stdin", "--format", "ndjson"], {
    env: admin.env,
    stdin: JSON.stringify({ sql: "SELECT id FROM big ORDER BY id LIMIT 2" }),
  });
  expect(ndjson.stdout).toBe('{"id":0}\n{"id":1}\n');
  const limited = await runDa(["query", "SELECT id FROM big ORDER BY id", "--limit", "3", "--output", join(admin.home, "out.csv")], { env: admin.env });
  expect(readFileSync(join(admin.home, "out.csv"), "utf8")).toBe("id\r\n0\r\n1\r\n2\r\n");
  expect(limited.stderr).toContain("Showing the first 3 rows");
  const parquetOut = join(admin.home, "out.parquet");
  expect((await runDa(["query", "SELECT id FROM big WHERE id < 10", "--format", "parquet", "--output", parquetOut], { env: admin.env })).code).toBe(0);
  const reader = await (await DuckDBInstance.create(":memory:")).connect();
  expect((await reader.runAndReadAll(`SELECT count(*), max(id) FROM '${parquetOut}'`)).getRowsJson()).toEqual([["10", "9"]]);
  reader.closeSync();
  writeFileSync(join(admin.home, "sales2.csv"), "region,amount\neast,7\n");
  expect((await runDa(["admin", "datasets", "load", "sales2.csv", "--name", "sales", "--replace"], { env: admin.env })).code).toBe(0);
  expect((await runDa(["query", "SELECT sum(amount) FROM sales"], { env: admin.env })).stdout).toBe("sum(amount)\r\n7\r\n");
  expect((await runDa(["admin", "datasets", "delete", "big", "--yes"], { env: admin.env })).code).toBe(0);
  const gone = await runDa(["query", "SELECT * FROM big"], { env: admin.env });
  expect(gone.code).toBe(1);
  expect(gone.stderr).toContain("Table with name big does not exist");
  expect(hasStackTrace(gone.stderr)).toBe(false);
});

test('the original plan\'s check: DA_TOKEN=<PAT> da query "SELECT 1" prints 1; revoked, it exits 1 saying the token is revoked, expired or unknown', async () => {
  const session = await sessionToken(server, ADMIN.email, ADMIN.password);
  const pat = await createPat(server, session, "ci");
  const env = { HOME: sandbox().home, NO_COLOR: "1", DA_SERVER: server.url, DA_TOKEN: pat.token };
  const ok = await runDa(["query", "SELECT 1"], { env });
  expect(ok).toMatchObject({ code: 0, stdout: "1\r\n1\r\n" });
  await fetch(`${server.url}/auth/tokens/${pat.id}`, { method: "DELETE", headers: { authorization: `Bearer ${session}` } });
  const refused = await runDa(["query", "SELECT 1"], { env });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("rejected the DA_TOKEN personal access token: it is revoked, expired or unknown there");
  const bad = await runDa(["query", "DROP VIEW sales"], { env: admin.env });
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("Only SELECT queries are allowed");
});

test("sync downloads changed datasets, skips unchanged ones, resumes a partial and refuses a corrupt one", async () => {
  writeFileSync(join(admin.home, "t.csv"), `x\n${Array.from({ length: 20000 }, (_, i) => i).join("\n")}\n`);
  await runDa(["admin", "datasets", "load", "t.csv", "--name", "synced"], { env: admin.env });
  const dir = join(admin.home, "local");
  const first = JSON.parse((await runDa(["sync", "--dir", dir, "--json"], { env: admin.env })).stdout);
  expect(first.downloaded.sort()).toEqual(["sales", "synced"]);
  const file = join(dir, "server", "parquet", "synced.parquet");
  const session = await sessionToken(server, ADMIN.email, ADMIN.password);
  const { tables } = await getJson<SyncManifest>(server, "/api/sync/manifest", session);
  const bytes = readFileSync(file);
  expect(createHash("sha256").update(bytes).digest("hex")).toBe(tables.synced!.hash);
  const again = JSON.parse((await runDa(["sync", "--dir", dir, "--json"], { env: admin.env })).stdout);
  expect(again).toMatchObject({ downloaded: [], errors: [] });
  expect(again.skipped.sort()).toEqual(["sales", "synced"]);

  // An interrupted download: half the file is there, started for the current hash.
  const fresh = join(admin.home, "fresh");
  mkdirSync(join(fresh, "server", "parquet"), { recursive: true });
  const half = Math.floor(bytes.length / 2);
  writeFileSync(join(fresh, "server", "parquet", "synced.parquet.partial"), bytes.subarray(0, half));
  writeFileSync(join(fresh, "server", "sync-state.json"), JSON.stringify({ tables: { synced: { hash: "", partial_hash: tables.synced!.hash } } }));
  const resumed = await runDa(["sync", "--dir", fresh, "--table", "synced"], { env: admin.env });
  expect(resumed.code).toBe(0);
  expect(resumed.stderr).toContain("1 downloaded");
  expect(resumed.stderr).not.toContain("\r"); // piped: no progress bar
  expect(readFileSync(join(fresh, "server", "parquet", "synced.parquet")).equals(bytes)).toBe(true);
  const ranged = /"path":"\/api\/data\/synced\/download","status":206/;
  for (let i = 0; i < 40 && !ranged.test(server.logs()); i++) await Bun.sleep(50); // the request log is written in batches
  expect(server.logs()).toMatch(ranged);

  // A corrupt partial (wrong bytes before the resume point): refused by hash, the old file kept.
  const corrupt = Buffer.from(bytes.subarray(0, half));
  corrupt[10] = corrupt[10]! ^ 0xff;
  writeFileSync(join(fresh, "server", "parquet", "synced.parquet.partial"), corrupt);
  writeFileSync(join(fresh, "server", "sync-state.json"), JSON.stringify({ tables: { synced: { hash: "old", partial_hash: tables.synced!.hash } } }));
  writeFileSync(join(fresh, "server", "parquet", "synced.parquet"), "old file");
  const refused = await runDa(["sync", "--dir", fresh, "--table", "synced"], { env: admin.env });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("does not match the server's hash");
  expect(readFileSync(join(fresh, "server", "parquet", "synced.parquet"), "utf8")).toBe("old file");
  expect(existsSync(join(fresh, "server", "parquet", "synced.parquet.partial"))).toBe(false);
});
