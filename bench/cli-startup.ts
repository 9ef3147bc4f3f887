// `da` binary size and `da --version` start-up next to `gh --version`, with hyperfine
// (median of 30 runs after 3 warm-ups). The sandbox HOME has no server configured, so `da --version`
// stays offline (with a server configured it also asks for the server's version).
// Run: bun bench/cli-startup.ts   (needs `hyperfine` and `gh`: apt-get install -y hyperfine gh)
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileDa } from "../scripts/build-cli";

type HyperfineResult = { command: string; median: number; mean: number; stddev: number | null };

function requireTool(name: string): void {
  if (!Bun.which(name)) {
    console.error(`${name} is not installed: apt-get install -y ${name}`);
    process.exit(1);
  }
}

const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main(): Promise<void> {
  requireTool("hyperfine");
  requireTool("gh");
  const dir = mkdtempSync(join(tmpdir(), "da-bench-"));
  try {
    const da = join(dir, "da");
    await compileDa({ outfile: da });
    const report = join(dir, "hyperfine.json");
    const run = Bun.spawnSync(["hyperfine", "--warmup", "3", "--runs", "30", "--shell=none", "--export-json", report, `${da} --version`, "gh --version"], {
      stdout: "inherit",
      stderr: "inherit",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
    });
    if (run.exitCode !== 0) throw new Error(`hyperfine failed (exit ${run.exitCode})`);
    const [daResult, ghResult] = (JSON.parse(readFileSync(report, "utf8")) as { results: HyperfineResult[] }).results;
    console.log("");
    console.log(`da binary size:          ${mb(statSync(da).size)} (${statSync(da).size} bytes)`);
    console.log(`da --version  median:    ${ms(daResult!.median)}`);
    console.log(`gh --version  median:    ${ms(ghResult!.median)}`);
    console.log(`ratio da/gh:             ${(daResult!.median / ghResult!.median).toFixed(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
