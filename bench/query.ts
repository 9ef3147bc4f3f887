// Data access, measured in one run against the real server (loopback, PAT):
//   aggregate  POST /api/query of a GROUP BY over an N-row dataset (default 10,000,000) against the
//              same query in DuckDB in this process over the server's Parquet file; goal ≥ 0.8×
//   SELECT 1   round trip, p50 and p99 over 500 sequential requests; goal p99 < 10 ms
//   export     1,000,000 rows as CSV streamed to curl: MB/s and the server's peak RSS growth (< 100 MB)
//   sync       `da sync` of a dataset of --sync-mb MB (default 500, incompressible) against curl of the
//              same download from the same server, interleaved over --runs rounds (default 5): per
//              round MB/s, client CPU and the ratio; the median of the rounds' ratios, goal ≥ 0.9×
//              (--baseline-da PATH: another da binary, e.g. an older build, measured in the same rounds)
// Run: bun bench/query.ts [rows=10000000] [--only aggregate,select1,export,sync] [--sync-mb 500] [--runs 5]
import { parseArgs } from "node:util";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { startServer } from "../test/helpers/server";
import { daBinary } from "../test/helpers/cli";

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { only: { type: "string" }, "sync-mb": { type: "string" }, runs: { type: "string" }, "baseline-da": { type: "string" } },
});
const ROWS = Number(positionals[0] ?? 10_000_000);
const PARTS = new Set((opts.only ?? "aggregate,select1,export,sync").split(","));
const SYNC_MB = Number(opts["sync-mb"] ?? 500);
const RUNS = Number(opts.runs ?? 5);
const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const AGGREGATE = "SELECT k % 10 AS g, sum(v) AS s, count(*) AS n FROM big GROUP BY g ORDER BY g";
const work = mkdtempSync(join(tmpdir(), "agnes-bench-query-"));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
}

async function makeParquet(name: string, select: string): Promise<string> {
  const file = join(work, `${name}.parquet`);
  const maker = await (await DuckDBInstance.create(":memory:")).connect();
  await maker.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
  maker.closeSync();
  return file;
}

async function benchToken(url: string): Promise<string> {
  const post = async (path: string, body: unknown, token?: string) =>
    (await fetch(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    }).then((r) => r.json())) as Record<string, string>;
  const session = (await post("/auth/token", ADMIN)).access_token!;
  return (await post("/auth/tokens", { name: "bench" }, session)).token!;
}

async function upload(url: string, pat: string, name: string, file: string, what: string): Promise<void> {
  const started = performance.now();
  const up = await fetch(`${url}/api/datasets?name=${name}`, {
    method: "POST",
    headers: { authorization: `Bearer ${pat}`, "content-type": "application/vnd.apache.parquet" },
    body: Bun.file(file),
  });
  if (up.status !== 201) throw new Error(`upload: ${up.status} ${await up.text()}`);
  console.log(`upload of ${(statSync(file).size / 1e6).toFixed(1)} MB (${what}): ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function main() {
  const server = await startServer({ env: { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password, QUERY_MAX_ROWS: "100" } });
  try {
    const pat = await benchToken(server.url);
    if (PARTS.has("aggregate") || PARTS.has("export")) {
      const big = await makeParquet("big", `SELECT range AS id, range % 1000 AS k, random() AS v FROM range(${ROWS})`);
      await upload(server.url, pat, "big", big, `${ROWS} rows`);
    }
    const query = async (sql: string, accept = "application/json") => {
      const started = performance.now();
      const res = await fetch(`${server.url}/api/query`, {
        method: "POST",
        headers: { authorization: `Bearer ${pat}`, "content-type": "application/json", accept },
        body: JSON.stringify({ sql }),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${sql}: ${res.status}`);
      return performance.now() - started;
    };
    // The export first: its point is what the *first* large answer costs a fresh server.
    if (PARTS.has("export")) for (const which of ["first", "second"]) await benchExport(server.url, server.pid, pat, which);
    if (PARTS.has("aggregate")) await benchAggregate(server.dataDir, query);
    if (PARTS.has("select1")) await benchSelectOne(query);
    if (PARTS.has("sync")) {
      // Random doubles: Parquet (zstd) cannot shrink them, so the file is about SYNC_MB.
      const rows = Math.round((SYNC_MB * 1e6) / 30);
      const blob = await makeParquet("blob", `SELECT random() AS a, random() AS b, random() AS c, random() AS d FROM range(${rows})`);
      await upload(server.url, pat, "blob", blob, `${rows} rows of random doubles`);
      rmSync(blob);
      await benchSync(server.url, pat);
    }
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

async function benchExport(url: string, pid: number, pat: string, which: string) {
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
    `CSV export of 1,000,000 rows to curl (${which}): ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s = ${(bytes / 1e6 / seconds).toFixed(1)} MB/s; server RSS ${(before / 1024).toFixed(0)} MB +${((peak - before) / 1024).toFixed(1)} MB (goal < 100 MB)`,
  );
}

type Timed = { seconds: number; cpuSeconds: number; stdout: string };

/** Wall time, and the CPU time the client used (on a shared machine the steadier of the two). */
function timed(cmd: string[], env?: Record<string, string>): Timed {
  const started = performance.now();
  const run = Bun.spawnSync(cmd, env ? { env } : {});
  if (run.exitCode !== 0) throw new Error(`${cmd[0]}: ${run.stderr.toString()}`);
  const cpu = run.resourceUsage ? Number(run.resourceUsage.cpuTime.user + run.resourceUsage.cpuTime.system) / 1e6 : Number.NaN;
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: cpu, stdout: run.stdout.toString() };
}

/**
 * `da sync` against curl of the same download from the same server, RUNS rounds, each client once
 * per round with the order rotating, so a burst of the other helpers' load lands on every client
 * alike. The figure is the median of each round's ratio to the curl download seconds before it
 * (which cancels the machine's drift between rounds better than a ratio of two medians).
 */
async function benchSync(url: string, pat: string) {
  const da = await daBinary();
  const curlFile = join(work, "curl.parquet");
  const syncDir = join(work, "sync");
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: work, DA_SERVER: url, DA_TOKEN: pat };
  const curl = () => timed(["curl", "-s", "-o", curlFile, "-w", "%{size_download}", `${url}/api/data/blob/download`, "-H", `authorization: Bearer ${pat}`]);
  const clients: [string, () => Timed][] = [
    ["curl", curl],
    ["da sync", () => timed([da, "sync", "--table", "blob", "--dir", syncDir], env)],
  ];
  const baseline = opts["baseline-da"];
  if (baseline) clients.push(["baseline da sync", () => timed([baseline, "sync", "--table", "blob", "--dir", syncDir], env)]);
  const clean = () => {
    rmSync(curlFile, { force: true });
    rmSync(syncDir, { recursive: true, force: true });
  };
  const bytes = Number(curl().stdout); // a warm-up: the server's file in the page cache for every round
  clean();
  const rounds: Map<string, Timed>[] = [];
  for (let round = 0; round < RUNS; round++) {
    const results = new Map<string, Timed>();
    for (let i = 0; i < clients.length; i++) {
      const [name, go] = clients[(i + round) % clients.length]!;
      results.set(name, go());
      clean();
    }
    rounds.push(results);
    const line = [...results].map(([name, t]) => `${name} ${(bytes / 1e6 / t.seconds).toFixed(0)} MB/s cpu ${t.cpuSeconds.toFixed(2)} s`);
    const ratios = clients.slice(1).map(([name]) => `${name} ${(results.get("curl")!.seconds / results.get(name)!.seconds).toFixed(2)}×`);
    console.log(`  round ${round + 1}: ${line.join(", ")} → ${ratios.join(", ")}`);
  }
  const mb = bytes / 1e6;
  const summary = clients.map(([name]) => {
    const of = (f: (t: Timed) => number) => median(rounds.map((r) => f(r.get(name)!)));
    const ratio = name === "curl" ? "" : ` → ${median(rounds.map((r) => r.get("curl")!.seconds / r.get(name)!.seconds)).toFixed(2)}×`;
    return `${name} ${(mb / of((t) => t.seconds)).toFixed(0)} MB/s, cpu ${of((t) => t.cpuSeconds).toFixed(2)} s${ratio}`;
  });
  console.log(
    `download of ${mb.toFixed(1)} MB, medians of ${RUNS} rounds (load ${loadavg()[0]!.toFixed(2)}): ${summary.join("; ")} — median of the rounds' ratios, da incl. its SHA-256 check; goal ≥ 0.9×`,
  );
}

await main();
