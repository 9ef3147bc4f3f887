// Requests/second and p99 of three servers' answers in ONE run, same machine, same load generator:
//   bare     a bare Elysia app answering the same /health JSON (bench/bare-health.ts), the yardstick
//   /health  our server's /health (every global hook, security headers, the request log)
//   /auth/me our server's GET /auth/me with a session bearer, and with a personal access token
// Our server runs as `bun src/server.ts` with stdout to /dev/null: the request log is still written.
// Besides req/s, each case reports the server's CPU time per request (from /proc): on a machine
// shared with other work req/s moves with that work, CPU per request much less.
// Goal (issue "one source of truth"): /health ≥ 0.75× bare, PAT /auth/me ≥ 0.50× bare, p99 < 10 ms.
// Load: `wrk -t1 -c50 --latency` when installed (apt-get install -y wrk), else a Bun fetch loop with
// 50 workers. Loopback only; bounded in time. Run: bun bench/auth-throughput.ts [seconds=5] [rounds=5]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { cpuMicros, load, loadTool, type Result } from "./load";
import { freePort } from "../test/helpers/ports";

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const SECONDS = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 5);
// The cases take turns for ROUNDS rounds, so a burst of other load on a shared machine does not land
// on one case only. Figures are medians over the rounds; a ratio is the median of each round's
// ratio to the bare app measured seconds before it, which cancels the drift of a shared machine's
// speed between rounds (±10% here) better than a ratio of two medians.
const ROUNDS = Number(process.argv[3] ?? process.env.BENCH_ROUNDS ?? 5);
const ROOT = resolve(import.meta.dir, "..");

type Server = { url: string; pid: number; stop: () => Promise<void> };

/** Starts a server on a free loopback port with stdout to /dev/null, and waits for its /health. */
async function spawnServer(args: string[], env: Record<string, string>): Promise<Server> {
  const port = freePort();
  const proc = Bun.spawn(args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOST: "127.0.0.1", PORT: String(port), ...env },
    stdout: "ignore",
    stderr: "inherit",
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (
    !(await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`${args.join(" ")} did not start on ${url}`);
    await Bun.sleep(50);
  }
  return { url, pid: proc.pid, stop: async () => void (proc.kill("SIGTERM"), await proc.exited) };
}

async function credentials(url: string): Promise<{ session: string; pat: string }> {
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(url + path, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, string>>;
  };
  const session = (await post("/auth/token", ADMIN)).access_token!;
  return { session, pat: (await post("/auth/tokens", { name: "bench" }, session)).token! };
}

async function main(): Promise<void> {
  console.log(`load: ${loadTool()}, ${SECONDS} s per run, ${ROUNDS} rounds (median), loopback`);
  const dataDir = mkdtempSync(join(tmpdir(), "agnes-bench-"));
  const bare = await spawnServer(["bun", "bench/bare-health.ts"], {});
  const ours = await spawnServer(["bun", "src/server.ts"], {
    HOME: dataDir,
    DATA_DIR: dataDir,
    CLI_BUILD_ON_START: "off",
    UV_THREADPOOL_SIZE: "64",
    ...adminEnv(),
  });
  try {
    const { session, pat } = await credentials(ours.url);
    const cases: [string, Server, string, string | null][] = [
      ["bare Elysia /health", bare, "/health", null],
      ["our GET /health", ours, "/health", null],
      ["our /auth/me, session", ours, "/auth/me", session],
      ["our /auth/me, PAT", ours, "/auth/me", pat],
    ];
    for (const [, server, path, bearer] of cases) await load(server.url + path, bearer, 1); // warm-up
    const runs: Measured[][] = cases.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, [, server, path, bearer]] of cases.entries()) runs[i]!.push(await measured(server, path, bearer));
    }
    report(
      cases.map(([name]) => name),
      runs,
    );
  } finally {
    await Promise.all([bare.stop(), ours.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function adminEnv(): Record<string, string> {
  return { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password };
}

type Measured = Result & { cpuMicrosPerRequest: number };

async function measured(server: Server, path: string, bearer: string | null): Promise<Measured> {
  const cpuBefore = cpuMicros(server.pid);
  const result = await load(server.url + path, bearer, SECONDS);
  return { ...result, cpuMicrosPerRequest: (cpuMicros(server.pid) - cpuBefore) / result.requests };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function report(names: string[], runs: Measured[][]): void {
  const bareRuns = runs[0]!;
  const results = runs.map((r) => ({
    rps: median(r.map((x) => x.rps)),
    p99ms: median(r.map((x) => x.p99ms)),
    cpu: median(r.map((x) => x.cpuMicrosPerRequest)),
    ratio: median(r.map((x, round) => x.rps / bareRuns[round]!.rps)),
    cpuRatio: median(r.map((x, round) => bareRuns[round]!.cpuMicrosPerRequest / x.cpuMicrosPerRequest)),
  }));
  console.log("\ncase                       req/s        p99    × bare   CPU µs/req   × bare (CPU)");
  names.forEach((name, i) => {
    const r = results[i]!;
    const cells = [
      r.rps.toFixed(0).padStart(8),
      `${r.p99ms.toFixed(2)} ms`.padStart(10),
      r.ratio.toFixed(2).padStart(9),
      r.cpu.toFixed(1).padStart(12),
      r.cpuRatio.toFixed(2).padStart(14),
    ];
    console.log(`${name.padEnd(24)} ${cells.join(" ")}`);
  });
  const health = results[1]!.ratio;
  const pat = results[3]!.ratio;
  const p99 = Math.max(...results.slice(1).map((r) => r.p99ms));
  console.log(`\n/health ${health.toFixed(2)}× bare (goal ≥ 0.75) ${health >= 0.75 ? "OK" : "BELOW GOAL"}`);
  console.log(`PAT /auth/me ${pat.toFixed(2)}× bare (goal ≥ 0.50) ${pat >= 0.5 ? "OK" : "BELOW GOAL"}`);
  console.log(`worst p99 of ours ${p99.toFixed(2)} ms (goal < 10 ms) ${p99 < 10 ? "OK" : "ABOVE GOAL"}`);
}

await main();
