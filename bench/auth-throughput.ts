// Requests/second and p99 latency of GET /health, GET /auth/me with a session bearer and GET /auth/me
// with a personal access token, against the real server on loopback, in the same run. Goal: PAT
// throughput ≥ 70 % of /health (authentication is an in-memory map look-up, no database access).
//
// The server logs one JSON line per request to stdout. Two set-ups show what that costs:
//   "captured": test/helpers/server.ts startServer, whose stdout is a pipe drained into a string
//   "discarded": the same server started with stdout → /dev/null (logging still runs, nobody reads it)
//   "no log": the same app built as src/server.ts builds it, in this process, with a logger that drops
//             every line (to see what the per-request log line itself costs)
// Load: `wrk -t1 -c50 -d<N>s --latency` when installed (apt-get install -y wrk), else a Bun fetch loop
// with 50 concurrent workers for the same fixed duration. Loopback only; bounded in time.
// Run: bun bench/auth-throughput.ts [seconds per run=5] [rounds=3]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startServer } from "../test/helpers/server";
import { createApp } from "../src/app";
import { systemClock } from "../src/clock";
import { loadConfig } from "../src/config";
import { createContext } from "../src/context";
import { Database } from "../src/db/database";
import { migrate } from "../src/db/migrate";
import { prepareFirstRun } from "../src/modules/accounts/service";

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const SECONDS = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 5);
// The endpoints take turns for ROUNDS rounds and the median is reported, so a burst of other load
// on a shared machine does not land on one endpoint only.
const ROUNDS = Number(process.argv[3] ?? process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;
const ROOT = resolve(import.meta.dir, "..");

type Result = { rps: number; p99ms: number };
type Server = { url: string; stop: () => Promise<void> };

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A session token (POST /auth/token) and a PAT created with it. */
async function credentials(url: string): Promise<{ session: string; pat: string }> {
  const post = (path: string, body: unknown, token?: string) =>
    fetch(url + path, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const { access_token: session } = await json<{ access_token: string }>(await post("/auth/token", ADMIN));
  const { token: pat } = await json<{ token: string }>(await post("/auth/tokens", { name: "bench" }, session));
  return { session, pat };
}

function wrkLatencyMs(text: string): number {
  const match = /^\s+99%\s+([\d.]+)(us|ms|s)\s*$/m.exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === "us" ? value / 1000 : match[2] === "s" ? value * 1000 : value;
}

async function withWrk(url: string, bearer: string | null, seconds: number): Promise<Result> {
  const args = ["wrk", "-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", ...(bearer ? ["-H", `Authorization: Bearer ${bearer}`] : []), url];
  const proc = Bun.spawn(args, { stdout: "pipe", stderr: "pipe" });
  const text = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error(`wrk failed: ${await new Response(proc.stderr).text()}`);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  if (non2xx) throw new Error(`${url}: ${non2xx[1]} failed responses — the credential did not work`);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? Number.NaN), p99ms: wrkLatencyMs(text) };
}

async function withFetchLoop(url: string, bearer: string | null, seconds: number): Promise<Result> {
  const headers = bearer ? { authorization: `Bearer ${bearer}` } : undefined;
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const start = performance.now();
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
      latencies.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / seconds, p99ms: latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN };
}

const load = Bun.which("wrk") ? withWrk : withFetchLoop;

/** The same server with stdout to /dev/null; its port is found by polling /health. */
async function startDiscardingServer(): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), "agnes-bench-"));
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port;
  probe.stop(true);
  const proc = Bun.spawn(["bun", "src/server.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dataDir, HOST: "127.0.0.1", PORT: String(port), DATA_DIR: dataDir, AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "inherit",
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error("server did not start");
    await Bun.sleep(50);
  }
  return {
    url,
    stop: async () => {
      proc.kill("SIGTERM");
      await proc.exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** src/server.ts's start-up, in this process, with a logger that writes nothing. */
async function startSilentServer(): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), "agnes-bench-"));
  const config = loadConfig({ DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: "0", AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password });
  const db = await Database.open(join(config.stateDir, "system.duckdb"));
  await migrate(db);
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const ctx = await createContext({ config, db, clock: systemClock, log: silent, commit: "bench" });
  await prepareFirstRun(ctx);
  ctx.activity.start();
  const app = createApp(ctx).listen({ port: 0, hostname: "127.0.0.1" });
  return {
    url: `http://127.0.0.1:${app.server!.port}`,
    stop: async () => {
      await app.stop();
      await ctx.activity.stop();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function measure(label: string, server: Server): Promise<void> {
  const { session, pat } = await credentials(server.url);
  const cases: [string, string, string | null][] = [
    ["GET /health", "/health", null],
    ["GET /auth/me (session)", "/auth/me", session],
    ["GET /auth/me (PAT)", "/auth/me", pat],
  ];
  for (const [, path, bearer] of cases) await load(server.url + path, bearer, 1); // warm-up
  const runs: Result[][] = cases.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [, path, bearer]] of cases.entries()) runs[i]!.push(await load(server.url + path, bearer, SECONDS));
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const results = runs.map((r) => ({ rps: median(r.map((x) => x.rps)), p99ms: median(r.map((x) => x.p99ms)) }));
  const health = results[0]!.rps;
  console.log(`\n${label}`);
  console.log("endpoint                   req/s      p99      vs /health");
  cases.forEach(([name], i) => {
    const r = results[i]!;
    const line = `${name.padEnd(24)} ${r.rps.toFixed(0).padStart(8)} ${`${r.p99ms.toFixed(2)} ms`.padStart(10)} ${`${((r.rps / health) * 100).toFixed(1)} %`.padStart(10)}`;
    console.log(line);
  });
  const ratio = results[2]!.rps / health;
  console.log(`PAT / health = ${(ratio * 100).toFixed(1)} % (goal ≥ 70 %) ${ratio >= 0.7 ? "OK" : "BELOW GOAL"}`);
}

async function main(): Promise<void> {
  const tool = Bun.which("wrk") ? `wrk -t1 -c${CONNECTIONS}` : `Bun fetch loop, ${CONNECTIONS} workers`;
  console.log(`load: ${tool}, ${SECONDS} s per run, ${ROUNDS} rounds (median shown), loopback`);
  const captured = await startServer({ env: { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password } });
  try {
    await measure("server stdout captured by the test helper (pipe drained into memory)", captured);
  } finally {
    await captured.stop();
  }
  const discarding = await startDiscardingServer();
  try {
    await measure("server stdout to /dev/null (per-request log still written)", discarding);
  } finally {
    await discarding.stop();
  }
  const silent = await startSilentServer();
  try {
    await measure("no per-request log (in-process server, logger drops every line)", silent);
  } finally {
    await silent.stop();
  }
}

await main();
