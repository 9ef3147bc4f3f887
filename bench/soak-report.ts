// What the soak (bench/soak.ts) keeps and prints: every request's kind, status and latency, and the
// server process's resident memory and open file descriptors sampled from /proc while it runs.
import { readdirSync, readFileSync } from "node:fs";
import { percentile } from "./load";

export type Kind = "sign-in" | "sign-out" | "pat read" | "admin write" | "page" | "backup" | "bad request";
export const KINDS: Kind[] = ["sign-in", "sign-out", "pat read", "admin write", "page", "backup", "bad request"];

type Tally = { latencies: number[]; classes: [number, number, number, number, number]; unexpected: number; tenths: number[][] };
const emptyTally = (): Tally => ({ latencies: [], classes: [0, 0, 0, 0, 0], unexpected: 0, tenths: Array.from({ length: 10 }, () => []) });

/** Counts per kind; `status` 0 is a transport error (no HTTP answer at all). */
export class Recorder {
  readonly byKind = new Map<Kind, Tally>(KINDS.map((k) => [k, emptyTally()]));
  transportErrors = 0;
  /** The first few surprises, to say what went wrong without flooding the report. */
  readonly samples: string[] = [];
  private t0 = 0;
  private seconds = 1;

  start(t0: number, seconds: number): void {
    this.t0 = t0;
    this.seconds = seconds;
  }

  record(kind: Kind, what: string, status: number, ms: number, expected: boolean): void {
    const tally = this.byKind.get(kind)!;
    if (status === 0) this.transportErrors++;
    else tally.classes[Math.min(4, Math.floor(status / 100) - 1)]!++;
    tally.latencies.push(ms);
    const tenth = Math.floor(((performance.now() - this.t0) / 1000 / this.seconds) * 10);
    // By tenth of the run too: something that grows shows as a slow-down as well as in memory.
    tally.tenths[Math.max(0, Math.min(9, tenth))]!.push(ms);
    if (!expected) {
      tally.unexpected++;
      if (this.samples.length < 10) this.samples.push(`${kind}: ${what} → ${status || "no answer"}`);
    }
  }

  get total(): number {
    return [...this.byKind.values()].reduce((n, t) => n + t.latencies.length, 0);
  }

  count(pick: (t: Tally) => number): number {
    return [...this.byKind.values()].reduce((n, t) => n + pick(t), 0);
  }
}

/** `load1`: the machine's 1-minute load average, to tell a slow-down of ours from a busy neighbour. */
export type Sample = { atS: number; rssMB: number; fds: number; load1: number };

/** Reads VmRSS and the number of open descriptors of a process (Linux /proc). */
export function sampleProcess(pid: number, atS: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKB = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  const load1 = Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
  return { atS, rssMB: rssKB / 1024, fds: readdirSync(`/proc/${pid}/fd`).length, load1 };
}

/** Least-squares slope of RSS over time, in MB per minute: a leak shows as a steady positive slope. */
function slopeMBPerMin(samples: Sample[]): number {
  const n = samples.length;
  if (n < 2) return Number.NaN;
  const mx = samples.reduce((s, x) => s + x.atS, 0) / n;
  const my = samples.reduce((s, x) => s + x.rssMB, 0) / n;
  const num = samples.reduce((s, x) => s + (x.atS - mx) * (x.rssMB - my), 0);
  const den = samples.reduce((s, x) => s + (x.atS - mx) ** 2, 0);
  return (num / den) * 60;
}

const ms = (n: number) => (Number.isNaN(n) ? "-" : n < 10 ? n.toFixed(2) : n.toFixed(1));

export function printRequests(rec: Recorder, seconds: number): void {
  console.log("\nkind            requests    2xx    3xx    4xx    5xx  unexpected   p50 ms   p99 ms");
  const row = (name: string, t: Tally) => {
    const sorted = [...t.latencies].sort((a, b) => a - b);
    const [, c2, c3, c4, c5] = t.classes;
    console.log(
      `${name.padEnd(14)} ${String(sorted.length).padStart(9)} ${[c2, c3, c4, c5].map((c) => String(c).padStart(6)).join(" ")} ${String(t.unexpected).padStart(11)} ${ms(percentile(sorted, 0.5)).padStart(8)} ${ms(percentile(sorted, 0.99)).padStart(8)}`,
    );
  };
  const all = emptyTally();
  for (const [kind, t] of rec.byKind) {
    row(kind, t);
    all.latencies = all.latencies.concat(t.latencies); // not push(...): tens of thousands of arguments
    t.classes.forEach((c, i) => (all.classes[i]! += c));
    t.tenths.forEach((l, i) => (all.tenths[i] = all.tenths[i]!.concat(l)));
    all.unexpected += t.unexpected;
  }
  row("all", all);
  console.log(`\n${rec.total} requests in ${seconds} s (${(rec.total / seconds).toFixed(0)}/s), transport errors ${rec.transportErrors}`);
  for (const s of rec.samples) console.log(`  unexpected: ${s}`);
  console.log("\nby tenth of the run (p50 ms per kind; req/s and p99 ms of all)");
  const line = (name: string, values: string[]) => console.log(`${name.padEnd(14)} ${values.map((v) => v.padStart(7)).join("")}`);
  const sorted = (l: number[]) => [...l].sort((a, b) => a - b);
  for (const [kind, t] of rec.byKind)
    if (kind !== "backup")
      line(
        kind,
        t.tenths.map((l) => ms(percentile(sorted(l), 0.5))),
      );
  line(
    "all req/s",
    all.tenths.map((l) => (l.length / (seconds / 10)).toFixed(0)),
  );
  line(
    "all p99",
    all.tenths.map((l) => ms(percentile(sorted(l), 0.99))),
  );
}

/** The median RSS and descriptors of the samples in [fromS, toS): one sample is mostly GC timing. */
function windowOf(samples: Sample[], fromS: number, toS: number): Sample {
  const inside = samples.filter((s) => s.atS >= fromS && s.atS < toS);
  const pick = inside.length ? inside : [samples[samples.length - 1]!];
  const mid = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { atS: fromS, rssMB: mid(pick.map((s) => s.rssMB)), fds: mid(pick.map((s) => s.fds)), load1: mid(pick.map((s) => s.load1)) };
}

/**
 * RSS and open descriptors before the load, just after warm-up and at the end (medians of a tenth
 * of the run each), the growth after warm-up and the RSS trend (least squares) over that stretch.
 */
export function printProcess(samples: Sample[], seconds: number, warmUp: number): { rssGrowthMB: number; fdGrowth: number } {
  const start = samples[0]!;
  const tenth = seconds / 10;
  const warm = windowOf(samples, seconds * warmUp, seconds * warmUp + tenth);
  const end = windowOf(samples, seconds - tenth, Number.POSITIVE_INFINITY);
  console.log("\nserver process      from s   RSS MB   open fds");
  for (const [name, s] of [
    ["before load", start],
    ["after warm-up", warm],
    ["end", end],
  ] as const) {
    console.log(`${name.padEnd(17)} ${String(Math.round(s.atS)).padStart(6)} ${s.rssMB.toFixed(1).padStart(8)} ${String(s.fds).padStart(10)}`);
  }
  const peak = Math.max(...samples.map((s) => s.rssMB));
  const rssGrowthMB = end.rssMB - warm.rssMB;
  const fdGrowth = end.fds - warm.fds;
  const after = samples.filter((s) => s.atS >= seconds * warmUp);
  console.log(
    `after warm-up: RSS ${signed(rssGrowthMB)} MB (trend ${signed(slopeMBPerMin(after), 2)} MB/min, peak ${peak.toFixed(1)} MB), fds ${signed(fdGrowth, 0)}`,
  );
  const step = Math.max(1, Math.floor(samples.length / 12));
  const trail = samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
  console.log(`RSS MB over time: ${trail.map((s) => `${Math.round(s.atS)}s ${s.rssMB.toFixed(0)}`).join(" · ")}`);
  console.log(`machine load (1 min, ${navigator.hardwareConcurrency} cores): ${trail.map((s) => `${Math.round(s.atS)}s ${s.load1.toFixed(1)}`).join(" · ")}`);
  return { rssGrowthMB, fdGrowth };
}

export const signed = (n: number, digits = 1) => `${n >= 0 ? "+" : ""}${n.toFixed(digits)}`;
