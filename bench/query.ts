// Data access, measured in one run against the real server (loopback, PAT):
//   aggregate  POST /api/query of a GROUP BY over an N-row dataset (default 10,000,000) against the
//              same query in DuckDB in this process over the server's Parquet file; goal ≥ 0.8×
//   SELECT 1   round trip, p50 and p99 over 500 sequential requests; goal p99 < 10 ms
//   export     1,000,000 rows as CSV streamed to curl: MB/s and the server's peak RSS growth (< 100 MB)
//   sync       `da sync` of the dataset against curl of the same download: MB/s, goal ≥ 0.9×
// Run: bun bench/query.ts [rows=10000000]
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { startServer } from "../test/helpers/server";
import { daBinary } from "../test/helpers/cli";

const ROWS = Number(process.argv[2] ?? 10_000_000);
const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const AGGREGATE = "SELECT k % 10 AS g, sum(v) AS s, count(*) AS n FROM big GROUP BY g ORDER BY g";
const work = mkdtempSync(join(tmpdir(), "agnes-bench-query-"));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
}

async function main() {
  const source = join(work, "big.parquet");
  const maker = await (await DuckDBInstance.create(":memory:")).connect();
  await maker.run(`COPY (SELECT range AS id, range % 1000 AS k, random() AS v FROM range(${ROWS})) TO '${source}' (FORMAT parquet)`);
  maker.closeSync();
  const server = await startServer({ env: { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password, QUERY_MAX_ROWS: "100" } });
  try {
    const session = (
      (await (
        await fetch(`${server.url}/auth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) })
      ).json()) as { access_token: string }
    ).access_token;
    const pat = (
      (await (
        await fetch(`${server.url}/auth/tokens`, {
          method: "POST",
          headers: { authorization: `Bearer ${session}`, "content-type": "application/json" },
          body: JSON.stringify({ name: "bench" }),
        })
      ).json()) as { token: string }
    ).token;
    const auth = { authorization: `Bearer ${pat}` };
    const loaded = performance.now();
    const up = await fetch(`${server.url}/api/datasets?name=big`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/vnd.apache.parquet" },
      body: Bun.file(source),
    });
    if (up.status !== 201) throw new Error(`upload: ${up.status} ${await up.text()}`);
    console.log(`upload of ${(statSync(source).size / 1e6).toFixed(1)} MB (${ROWS} rows): ${((performance.now() - loaded) / 1000).toFixed(1)} s`);
    const query = async (sql: string, accept = "application/json") => {
      const started = performance.now();
      const res = await fetch(`${server.url}/api/query`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json", accept },
        body: JSON.stringify({ sql }),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${sql}: ${res.status}`);
      return performance.now() - started;
    };
    await benchAggregate(server.dataDir, query);
    await benchSelectOne(query);
    await benchExport(server.url, server.pid, pat);
    await benchSync(server.url, pat);
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function benchAggregate(dataDir: string, query: (sql: string) => Promise<number>) {
  const dir = join(dataDir, "datasets");
  const parquet = join(dir, readdirSync(dir).find((f) => f.endsWith(".parquet"))!);
  const direct = await (await DuckDBInstance.create(":memory:")).connect();
  const inProcess = async () => {
    const started = performance.now();
    await direct.runAndReadAll(AGGREGATE.replace("FROM big", `FROM read_parquet('${parquet}')`));
    return performance.now() - started;
  };
  const served: number[] = [];
  const local: number[] = [];
  for (let i = 0; i < 7; i++) {
    served.push(await query(AGGREGATE));
    local.push(await inProcess());
  }
  direct.closeSync();
  const s = median(served);
  const l = median(local);
  console.log(`aggregate over ${ROWS} rows: server ${s.toFixed(1)} ms, DuckDB in process ${l.toFixed(1)} ms → ${(l / s).toFixed(2)}× (goal ≥ 0.8×)`);
}

async function benchSelectOne(query: (sql: string) => Promise<number>) {
  const times: number[] = [];
  for (let i = 0; i < 500; i++) times.push(await query("SELECT 1"));
  console.log(`SELECT 1 round trip (PAT): p50 ${pct(times, 0.5).toFixed(2)} ms, p99 ${pct(times, 0.99).toFixed(2)} ms (goal p99 < 10 ms)`);
}

async function benchExport(url: string, pid: number, pat: string) {
  const before = rssKb(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 20);
  const started = performance.now();
  // Async, so the RSS sampler keeps running while curl reads.
  const curl = Bun.spawn(
    [
      "curl",
      "-s",
      "-o",
      "/dev/null",
      "-w",
      "%{size_download}",
      "-X",
      "POST",
      `${url}/api/query?format=csv`,
      "-H",
      `authorization: Bearer ${pat}`,
      "-H",
      "content-type: application/json",
      "-d",
      JSON.stringify({ sql: "SELECT id, k, v FROM big LIMIT 1000000" }),
    ],
    { stdout: "pipe" },
  );
  const bytes = Number(await new Response(curl.stdout).text());
  await curl.exited;
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  console.log(
    `CSV export of 1,000,000 rows to curl: ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s = ${(bytes / 1e6 / seconds).toFixed(1)} MB/s; server RSS +${((peak - before) / 1024).toFixed(1)} MB (goal < 100 MB)`,
  );
}

async function benchSync(url: string, pat: string) {
  const da = await daBinary();
  const curlStarted = performance.now();
  const curl = Bun.spawnSync([
    "curl",
    "-s",
    "-o",
    join(work, "curl.parquet"),
    "-w",
    "%{size_download}",
    `${url}/api/data/big/download`,
    "-H",
    `authorization: Bearer ${pat}`,
  ]);
  const curlSeconds = (performance.now() - curlStarted) / 1000;
  const bytes = Number(curl.stdout.toString());
  const syncStarted = performance.now();
  const sync = Bun.spawnSync([da, "sync", "--table", "big", "--dir", join(work, "sync")], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: work, DA_SERVER: url, DA_TOKEN: pat },
  });
  const syncSeconds = (performance.now() - syncStarted) / 1000;
  if (sync.exitCode !== 0) throw new Error(`da sync: ${sync.stderr.toString()}`);
  const mbps = (s: number) => bytes / 1e6 / s;
  console.log(
    `download of ${(bytes / 1e6).toFixed(1)} MB: curl ${mbps(curlSeconds).toFixed(1)} MB/s, da sync ${mbps(syncSeconds).toFixed(1)} MB/s (incl. hash check) → ${(curlSeconds / syncSeconds).toFixed(2)}× (goal ≥ 0.9×)`,
  );
}

await main();
