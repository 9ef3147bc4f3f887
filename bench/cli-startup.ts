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

type Timing = { wall: number; cpu: number; user: number; sys: number };

const median = (list: number[]) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const mean = (list: number[]) => list.reduce((sum, x) => sum + x, 0) / list.length;

/**
 * The machine may be shared: hyperfine times one command after the other, so load that comes and
 * goes lands on one of them. Here every round runs each command once, in a shuffled order, and the
 * medians (and so the ratios) see the same load. CPU time (every thread of the child; its median)
 * shows whether a difference is work done or waiting. Linux splits it into user and system time by
 * timer ticks (4 ms here, longer than a run), so the split is only meaningful as a mean over rounds.
 */
function interleaved(commands: string[][], rounds: number, env: Record<string, string>): Timing[] {
  const times = commands.map(() => ({ wall: [] as number[], cpu: [] as number[], user: [] as number[], sys: [] as number[] }));
  for (let round = 0; round < rounds + 5; round++) {
    const order = commands.map((_, i) => i).sort(() => Math.random() - 0.5);
    for (const i of order) {
      const start = Bun.nanoseconds();
      const run = Bun.spawnSync(commands[i]!, { env, stdout: "ignore", stderr: "ignore" });
      const wall = (Bun.nanoseconds() - start) / 1e9;
      if (run.exitCode !== 0) throw new Error(`${commands[i]!.join(" ")} exited ${run.exitCode}`);
      if (round < 5) continue; // the first 5 rounds warm up
      times[i]!.wall.push(wall);
      times[i]!.cpu.push(Number(run.resourceUsage.cpuTime.total) / 1e6);
      times[i]!.user.push(Number(run.resourceUsage.cpuTime.user) / 1e6);
      times[i]!.sys.push(Number(run.resourceUsage.cpuTime.system) / 1e6);
    }
  }
  return times.map((t) => ({ wall: median(t.wall), cpu: median(t.cpu), user: mean(t.user), sys: mean(t.sys) }));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "da-bench-"));
  try {
    const da = join(dir, "da");
    const [hello] = await Promise.all([compileHello(dir), compileDa({ outfile: da })]);
    const commands = [[hello], [da, "--version"], [da, "--help"], ...(Bun.which("gh") ? [["gh", "--version"]] : [])];
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir };
    const [floor, version, help, gh] = interleaved(commands, 60, env);
    const ratio = (t: Timing) => (t.wall / floor!.wall).toFixed(2);
    const cpu = (t: Timing) => `[CPU ${ms(t.cpu)}: user ${ms(t.user)}, sys ${ms(t.sys)} on average]`;
    console.log(`da binary size:             ${mb(statSync(da).size)}`);
    console.log(`hello-world (floor) median: ${ms(floor!.wall)}  ${cpu(floor!)}`);
    console.log(`da --version median:        ${ms(version!.wall)}  (${ratio(version!)}× the floor; goal ≤ 1.3×)  ${cpu(version!)}`);
    console.log(`da --help    median:        ${ms(help!.wall)}  (${ratio(help!)}× the floor; goal ≤ 1.3×)  ${cpu(help!)}`);
    if (gh) console.log(`gh --version median:        ${ms(gh.wall)}  (${ratio(gh)}× the floor)  ${cpu(gh)}`);
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
