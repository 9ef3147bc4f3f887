// Requests/second and p99 of three servers' answers in ONE run, same machine, same load generator:
//   bare     a bare Elysia app answering the same /health JSON (bench/bare-health.ts), the yardstick
//   /health  our server's /health (every global hook, security headers, the request log)
//   /auth/me our server's GET /auth/me with a session bearer, and with a personal access token
// Our server runs as `bun src/server.ts` with stdout to /dev/null: the request log is still written.
// Goal (issue "one source of truth"): /health ≥ 0.75× bare, PAT /auth/me ≥ 0.50× bare, p99 < 10 ms.
// Load: `wrk -t1 -c50 --latency` when installed (apt-get install -y wrk), else a Bun fetch loop with
// 50 workers. Loopback only; bounded in time. Run: bun bench/auth-throughput.ts [seconds=5] [rounds=3]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { load, loadTool, type Result } from "./load";

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const SECONDS = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 5);
// The cases take turns for ROUNDS rounds and the median is reported, so a burst of other load on a
// shared machine does not land on one case only.
const ROUNDS = Number(process.argv[3] ?? process.env.BENCH_ROUNDS ?? 3);
const ROOT = resolve(import.meta.dir, "..");

type Server = { url: string; stop: () => Promise<void> };

async function spawnServer(args: string[], env: Record<string, string>, urlOf: (line: string) => string | null): Promise<Server> {
  const proc = Bun.spawn(args, { cwd: ROOT, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  let seen = "";
  let url: string | null = null;
  const deadline = Date.now() + 20_000;
  while (!url && Date.now() < deadline) {
    const { done, value } = await reader.read();
    if (done) break;
    seen += new TextDecoder().decode(value);
    url = seen.split("\n").map(urlOf).find((u) => u) ?? null;
  }
  if (!url) throw new Error(`server did not start: ${seen}`);
  // Keep draining stdout (as /dev/null would) so the server never blocks on a full pipe.
  void (async () => {
    while (!(await reader.read()).done);
  })();
  return { url, stop: async () => void (proc.kill("SIGTERM"), await proc.exited) };
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
  const bare = await spawnServer(["bun", "bench/bare-health.ts"], {}, (line) => /listening (\S+)/.exec(line)?.[1] ?? null);
  const ours = await spawnServer(["bun", "src/server.ts"], { HOME: dataDir, HOST: "127.0.0.1", PORT: "0", DATA_DIR: dataDir, ...adminEnv() }, (line) =>
    /"event":"server.listening","url":"([^"]+)"/.exec(line)?.[1] ?? null);
  try {
    const { session, pat } = await credentials(ours.url);
    const cases: [string, string, string | null][] = [
      ["bare Elysia /health", `${bare.url}/health`, null],
      ["our GET /health", `${ours.url}/health`, null],
      ["our /auth/me, session", `${ours.url}/auth/me`, session],
      ["our /auth/me, PAT", `${ours.url}/auth/me`, pat],
    ];
    for (const [, url, bearer] of cases) await load(url, bearer, 1); // warm-up
    const runs: Result[][] = cases.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, [, url, bearer]] of cases.entries()) runs[i]!.push(await load(url, bearer, SECONDS));
    }
    report(cases.map(([name]) => name), runs);
  } finally {
    await Promise.all([bare.stop(), ours.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function adminEnv(): Record<string, string> {
  return { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password };
}

function report(names: string[], runs: Result[][]): void {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const results = runs.map((r) => ({ rps: median(r.map((x) => x.rps)), p99ms: median(r.map((x) => x.p99ms)) }));
  const bare = results[0]!.rps;
  console.log("\ncase                       req/s        p99    × bare");
  names.forEach((name, i) => {
    const r = results[i]!;
    console.log(`${name.padEnd(24)} ${r.rps.toFixed(0).padStart(8)} ${`${r.p99ms.toFixed(2)} ms`.padStart(10)} ${(r.rps / bare).toFixed(2).padStart(9)}`);
  });
  const health = results[1]!.rps / bare;
  const pat = results[3]!.rps / bare;
  const p99 = Math.max(...results.slice(1).map((r) => r.p99ms));
  console.log(`\n/health ${health.toFixed(2)}× bare (goal ≥ 0.75) ${health >= 0.75 ? "OK" : "BELOW GOAL"}`);
  console.log(`PAT /auth/me ${pat.toFixed(2)}× bare (goal ≥ 0.50) ${pat >= 0.5 ? "OK" : "BELOW GOAL"}`);
  console.log(`worst p99 of ours ${p99.toFixed(2)} ms (goal < 10 ms) ${p99 < 10 ? "OK" : "ABOVE GOAL"}`);
}

await main();
