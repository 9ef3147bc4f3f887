// CLI distribution numbers: `bun build.ts` wall time for every target, each binary's size raw and
// gzip -6 (what /cli/download sends to clients that accept gzip), and on loopback: the download of
// linux-x64 raw vs gzip, a fresh `curl … | sh` install, and a re-run that finds da up to date.
// Run: bun bench/build-and-install.ts [--runs N]   (loopback only; ~1.3 GB of temp files, removed after)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startServer } from "../test/helpers/server";

const ROOT = resolve(import.meta.dir, "..");
const { values } = parseArgs({ args: Bun.argv.slice(2), options: { runs: { type: "string", default: "5" } } });
const RUNS = Math.max(1, Number(values.runs));

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timed(cmd: string[], env: Record<string, string>): number {
  const started = performance.now();
  const proc = Bun.spawnSync(cmd, { env, stdout: "ignore", stderr: "pipe" });
  if (proc.exitCode !== 0) throw new Error(`${cmd.join(" ")} failed: ${proc.stderr.toString()}`);
  return performance.now() - started;
}

type Sizes = { target: string; raw: number; gz: number }[];
type Timings = { raw: number[]; gzip: number[]; fresh: number[]; rerun: number[] };

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "agnes-bench-dist-"));
  try {
    const dist = join(work, "cli");
    console.log(`bun build.ts (every target, gzip copies) into ${dist} …`);
    const buildStarted = performance.now();
    const build = Bun.spawnSync(["bun", "build.ts", "--out", dist], { cwd: ROOT, stdout: "inherit", stderr: "inherit" });
    const buildMs = performance.now() - buildStarted;
    if (build.exitCode !== 0) throw new Error("build.ts failed");
    const manifest = (await Bun.file(join(dist, "manifest.json")).json()) as { targets: { target: string; filename: string; size: number }[] };
    const sizes = manifest.targets.map((t) => ({ target: t.target, raw: t.size, gz: Bun.file(join(dist, `${t.filename}.gz`)).size }));
    report(sizes, buildMs, await downloadsAndInstalls(dist, work));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** RUNS rounds against the real server on loopback: linux-x64 raw and gzip, a fresh install, a re-run. */
async function downloadsAndInstalls(dist: string, work: string): Promise<Timings> {
  const server = await startServer({ env: { CLI_DIST_DIR: dist }, cost: "production" });
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: work };
  const url = `${server.url}/cli/download/linux-x64`;
  const timings: Timings = { raw: [], gzip: [], fresh: [], rerun: [] };
  try {
    for (let i = 0; i < RUNS; i++) {
      timings.raw.push(timed(["curl", "-fsS", "-o", join(work, "raw"), url], env));
      timings.gzip.push(timed(["curl", "-fsS", "--compressed", "-o", join(work, "gz"), url], env));
      const home = mkdtempSync(join(work, "home-"));
      const install = ["sh", "-c", `curl -fsSL '${server.url}/cli/install.sh' | sh`];
      timings.fresh.push(timed(install, { ...env, HOME: home }));
      timings.rerun.push(timed(install, { ...env, HOME: home }));
      rmSync(home, { recursive: true, force: true });
    }
  } finally {
    await server.stop();
  }
  return timings;
}

function report(rows: Sizes, buildMs: number, t: Timings): void {
  console.log("");
  console.log("| target | raw | gzip -6 | gzip/raw |");
  console.log("|---|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.target} | ${mb(r.raw)} | ${mb(r.gz)} | ${((r.gz / r.raw) * 100).toFixed(0)} % |`);
  const total = rows.reduce((s, r) => s + r.raw, 0);
  const totalGz = rows.reduce((s, r) => s + r.gz, 0);
  console.log(`| all ${rows.length} | ${mb(total)} | ${mb(totalGz)} | ${((totalGz / total) * 100).toFixed(0)} % |`);
  console.log("");
  console.log(`| measure (loopback, median of ${RUNS}) | time |`);
  console.log("|---|---:|");
  console.log(`| bun build.ts, ${rows.length} targets (one run) | ${secs(buildMs)} |`);
  console.log(`| download linux-x64 raw (curl) | ${secs(median(t.raw))} |`);
  console.log(`| download linux-x64 gzip (curl --compressed) | ${secs(median(t.gzip))} |`);
  console.log(`| fresh install: curl … \\| sh | ${secs(median(t.fresh))} |`);
  console.log(`| re-run, already up to date | ${secs(median(t.rerun))} |`);
}

await main();
