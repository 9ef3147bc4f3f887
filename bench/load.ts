// The load generator the benchmarks share: wrk when installed, else a Bun fetch loop. Both keep
// CONNECTIONS requests in flight for a fixed time against one URL on loopback.
import { readFileSync } from "node:fs";

export type Result = { rps: number; p99ms: number; requests: number };

const CONNECTIONS = 50;

/** The q-quantile (0…1) of ascending-sorted samples: the nearest rank, NaN when there are none. */
export function percentile(sorted: readonly number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN;
}

export type Sequential = { median: number; p95: number; n: number };

/**
 * One request at a time to `url`: `warmup` unmeasured, then up to `requests` timed (stopping at
 * `deadline`, a Date.now() value). Each answer must be 200 and pass `check`.
 */
export async function timeSequential(
  url: string,
  headers: Record<string, string>,
  check: (body: string) => boolean,
  opts: { warmup: number; requests: number; deadline: number },
): Promise<Sequential> {
  const samples: number[] = [];
  for (let i = 0; i < opts.warmup + opts.requests && Date.now() < opts.deadline; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    const body = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200 || !check(body)) throw new Error(`${url}: ${res.status} ${body.slice(0, 200)}`);
    if (i >= opts.warmup) samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  return { median: percentile(samples, 0.5), p95: percentile(samples, 0.95), n: samples.length };
}

/** A case for timeSequential: its name, path, request headers and what its answer must hold. */
export type SequentialCase = [name: string, path: string, headers: Record<string, string>, check: (body: string) => boolean];

/** Times each case one request at a time against `baseUrl` and prints a median/p95 table. */
export async function reportSequential(baseUrl: string, cases: SequentialCase[], opts: { warmup: number; requests: number; deadline: number }): Promise<void> {
  console.log(`\n${opts.requests} sequential requests per case (after ${opts.warmup} warm-up), milliseconds`);
  console.log("case".padEnd(30), "median".padStart(8), "p95".padStart(8));
  for (const [name, path, headers, check] of cases) {
    const r = await timeSequential(baseUrl + path, headers, check, opts);
    console.log(name.padEnd(30), r.median.toFixed(2).padStart(8), r.p95.toFixed(2).padStart(8), r.n < opts.requests ? `(only ${r.n}: time budget)` : "");
  }
}

export function loadTool(): string {
  return Bun.which("wrk") ? `wrk -t1 -c${CONNECTIONS}` : `Bun fetch loop, ${CONNECTIONS} workers`;
}

export function load(url: string, bearer: string | null, seconds: number): Promise<Result> {
  return Bun.which("wrk") ? withWrk(url, bearer, seconds) : withFetchLoop(url, bearer, seconds);
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
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? Number.NaN),
    p99ms: wrkLatencyMs(text),
    requests: Number(/(\d+) requests in/.exec(text)?.[1] ?? Number.NaN),
  };
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
  return { rps: latencies.length / seconds, p99ms: percentile(latencies, 0.99), requests: latencies.length };
}

/** CPU time (user + system, in µs) a process has used so far: Linux only, NaN elsewhere. */
export function cpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks / CLOCK_TICKS_PER_SECOND) * 1e6;
  } catch {
    return Number.NaN;
  }
}

// USER_HZ: 100 on every Linux this runs on (the kernel ABI fixes it for /proc).
const CLOCK_TICKS_PER_SECOND = 100;
