// `da` start-up against the floor: a compiled hello-world Bun binary built in the same run with the
// same flags (minify, bytecode), timed in the same run, interleaved (median of 60 rounds after 5
// warm-ups): `da --version` and `da --help` as ratios to it (goal ≤ 1.3×), and `gh --version` when
// gh is installed; then hyperfine's sequential view when it is installed. The sandbox HOME has no
// server configured, so `da --version` stays offline.
// Run: bun run bench:cli
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileDa, hostTarget } from "../scripts/build-cli";
import { targetInfo } from "../src/shared/targets";

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

/**
 * The machine may be shared: hyperfine times one command after the other, so load that comes and
 * goes lands on one of them. Here every round runs each command once, in a shuffled order, and the
 * medians (and so the ratios) see the same load.
 */
function interleaved(commands: string[][], rounds: number, env: Record<string, string>): number[] {
  const times = commands.map(() => [] as number[]);
  for (let round = 0; round < rounds + 5; round++) {
    const order = commands.map((_, i) => i).sort(() => Math.random() - 0.5);
    for (const i of order) {
      const start = Bun.nanoseconds();
      const run = Bun.spawnSync(commands[i]!, { env, stdout: "ignore", stderr: "ignore" });
      if (run.exitCode !== 0) throw new Error(`${commands[i]!.join(" ")} exited ${run.exitCode}`);
      if (round >= 5) times[i]!.push((Bun.nanoseconds() - start) / 1e9); // the first 5 rounds warm up
    }
  }
  return times.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "da-bench-"));
  try {
    const da = join(dir, "da");
    const [hello] = await Promise.all([compileHello(dir), compileDa({ outfile: da })]);
    const commands = [[hello], [da, "--version"], [da, "--help"], ...(Bun.which("gh") ? [["gh", "--version"]] : [])];
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir };
    const [floor, version, help, gh] = interleaved(commands, 60, env);
    const ratio = (median: number) => (median / floor!).toFixed(2);
    console.log(`da binary size:             ${mb(statSync(da).size)}`);
    console.log(`hello-world (floor) median: ${ms(floor!)}`);
    console.log(`da --version median:        ${ms(version!)}  (${ratio(version!)}× the floor; goal ≤ 1.3×)`);
    console.log(`da --help    median:        ${ms(help!)}  (${ratio(help!)}× the floor; goal ≤ 1.3×)`);
    if (gh) console.log(`gh --version median:        ${ms(gh)}  (${ratio(gh)}× the floor)`);
    if (Bun.which("hyperfine")) {
      // hyperfine's view too, for comparison with earlier numbers (sequential, so noisier when shared).
      Bun.spawnSync(["hyperfine", "--warmup", "5", "--runs", "30", "-N", "--style", "basic", hello, `${da} --version`, `${da} --help`], {
        stdout: "inherit",
        stderr: "inherit",
        env,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
