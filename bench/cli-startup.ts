// `da` start-up against the floor: a compiled hello-world Bun binary built in the same run with the
// same flags (minify, bytecode), timed by hyperfine in the same run (median of 40 runs after 5
// warm-ups): `da --version` and `da --help` as ratios to it (goal ≤ 1.3×), and `gh --version` when
// gh is installed. The sandbox HOME has no server configured, so `da --version` stays offline.
// Run: bun run bench:cli   (needs hyperfine: sh scripts/bootstrap.sh --test-tools)
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileDa, hostTarget } from "../scripts/build-cli";
import { targetInfo } from "../src/shared/targets";

type HyperfineResult = { command: string; median: number };

const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function compileHello(dir: string): Promise<string> {
  const source = join(dir, "hello.ts");
  writeFileSync(source, 'console.log("hello");\n');
  const outfile = join(dir, "hello");
  const result = await Bun.build({
    entrypoints: [source],
    compile: { target: targetInfo(hostTarget())!.bunTarget as Bun.Build.CompileTarget, outfile, autoloadDotenv: false, autoloadBunfig: false },
    minify: true,
    bytecode: true,
    format: "esm",
  });
  if (!result.success) throw new Error(result.logs.join("\n"));
  return outfile;
}

async function main(): Promise<void> {
  if (!Bun.which("hyperfine")) {
    console.error("hyperfine is not installed: sh scripts/bootstrap.sh --test-tools");
    process.exit(1);
  }
  const dir = mkdtempSync(join(tmpdir(), "da-bench-"));
  try {
    const da = join(dir, "da");
    const [hello] = await Promise.all([compileHello(dir), compileDa({ outfile: da })]);
    const report = join(dir, "hyperfine.json");
    const commands = [hello, `${da} --version`, `${da} --help`, ...(Bun.which("gh") ? ["gh --version"] : [])];
    const run = Bun.spawnSync(["hyperfine", "--warmup", "5", "--runs", "40", "--shell=none", "--export-json", report, ...commands], {
      stdout: "inherit",
      stderr: "inherit",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
    });
    if (run.exitCode !== 0) throw new Error(`hyperfine failed (exit ${run.exitCode})`);
    const [floor, version, help, gh] = (JSON.parse(readFileSync(report, "utf8")) as { results: HyperfineResult[] }).results;
    const ratio = (r: HyperfineResult) => (r.median / floor!.median).toFixed(2);
    console.log("");
    console.log(`da binary size:            ${mb(statSync(da).size)}`);
    console.log(`hello-world (floor) median: ${ms(floor!.median)}`);
    console.log(`da --version median:        ${ms(version!.median)}  (${ratio(version!)}× the floor; goal ≤ 1.3×)`);
    console.log(`da --help    median:        ${ms(help!.median)}  (${ratio(help!)}× the floor; goal ≤ 1.3×)`);
    if (gh) console.log(`gh --version median:        ${ms(gh.median)}  (${ratio(gh)}× the floor)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
