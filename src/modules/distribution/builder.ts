// Builds the served `da` binaries in the background at start (CLI_BUILD_ON_START=auto), so a fresh
// `npm start` can serve `curl …/install.sh | sh` without anyone running `bun run build` first.
// One target at a time, this machine's first, each a `nice`d `bun build.ts --targets T --merge`
// child: requests stay fast, and each finished target appears in manifest.json (written by rename)
// as soon as it is built. The fast part (binary, .gz) comes first for every target; the slow zstd
// copies (~1–2 min each) follow. A failed target is logged with its reason and the rest go on.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Logger } from "../../log";
import type { CliDistribution } from "./service";
import { signatureKeyId } from "../../shared/minisign";
import { chooseTarget, TARGET_NAMES, TARGETS } from "../../shared/targets";

const ROOT = resolve(import.meta.dir, "..", "..", "..");

/** Runs one step as a child process; rejects with the reason (the tail of its output). */
export type BuildStep = (step: {
  kind: "build" | "zstd";
  target: string;
  distDir: string;
  file?: string;
  signal?: AbortSignal;
  /** DA_SIGNING_KEY for the child: the server's own key, wherever its environment says it is. */
  signingKeyFile?: string;
}) => Promise<void>;

/** The server's da signing key: where it is, and its id (a build signed by another key is rebuilt). */
export type BuilderSigning = { file: string; keyId: string };

export type BuildState = "building" | "failed";

export class CliBuilder {
  /** Targets queued or being built: the routes answer 503 + Retry-After for them. */
  private readonly waiting = new Set<string>();
  private readonly failures = new Map<string, string>();
  private running: Promise<void> | null = null;
  private readonly stopping = new AbortController();

  constructor(
    private readonly dist: CliDistribution,
    private readonly version: string,
    private readonly log: Pick<Logger, "info" | "warn" | "error">,
    private readonly signing: BuilderSigning | null = null,
    private readonly step: BuildStep = spawnStep,
  ) {}

  /** "building" while a target is queued or being built, "failed" when its build failed, else null. */
  state(target: string): BuildState | null {
    if (this.waiting.has(target)) return "building";
    return this.failures.has(target) ? "failed" : null;
  }

  failure(target: string): string | null {
    return this.failures.get(target) ?? null;
  }

  building(): string[] {
    return [...this.waiting];
  }

  /**
   * The targets to build: all when nothing, an older version or a build not signed by the server's key
   * is there (a key rotation rebuilds everything, so every new da carries the new key), else the
   * missing ones; this machine's first.
   */
  async plan(): Promise<string[]> {
    const manifest = await this.dist.manifest();
    const signedHere = !this.signing || signatureKeyId(manifest?.signature ?? "") === this.signing.keyId;
    const current = manifest && signedHere && Bun.semver.order(manifest.version, this.version) >= 0 ? manifest : null;
    const present = new Set((current?.targets ?? []).filter((t) => existsSync(join(this.dist.distDir, t.filename))).map((t) => t.target));
    const host = hostTargetOrNull();
    return TARGET_NAMES.filter((t) => !present.has(t)).sort((a, b) => Number(b === host) - Number(a === host));
  }

  /** Starts the background build (once); the promise settles when every step has finished or failed. */
  start(step: BuildStep = this.step): Promise<void> {
    this.running ??= this.run(step);
    return this.running;
  }

  /** At shutdown: ends the build child; nothing half-built is ever served (build.ts renames into place). */
  stop(): void {
    this.stopping.abort();
    this.waiting.clear();
  }

  private async run(step: BuildStep): Promise<void> {
    const targets = await this.plan();
    const signal = this.stopping.signal;
    for (const t of targets) this.waiting.add(t);
    if (targets.length) this.log.info("cli_build.start", { targets: targets.join(","), version: this.version, dir: this.dist.distDir });
    const started = performance.now();
    for (const target of targets) {
      if (signal.aborted) return;
      const t0 = performance.now();
      try {
        await step({ kind: "build", target, distDir: this.dist.distDir, signal, signingKeyFile: this.signing?.file });
        this.log.info("cli_build.ready", { target, seconds: seconds(t0) });
      } catch (error) {
        this.failures.set(target, reasonOf(error));
        this.log.error("cli_build.failed", { target, reason: reasonOf(error) });
      } finally {
        this.waiting.delete(target);
      }
    }
    if (signal.aborted) return;
    await this.compressMissing(step);
    if (targets.length) this.log.info("cli_build.done", { seconds: seconds(started), failed: [...this.failures.keys()].join(",") || null });
  }

  /** zstd copies for every built binary that lacks a current one (smaller downloads; gzip is served meanwhile). */
  private async compressMissing(step: BuildStep): Promise<void> {
    const manifest = await this.dist.manifest();
    for (const entry of manifest?.targets ?? []) {
      if (this.stopping.signal.aborted) return;
      const file = join(this.dist.distDir, entry.filename);
      const zst = Bun.file(`${file}.zst`);
      if ((await zst.exists()) && zst.lastModified >= Bun.file(file).lastModified) continue;
      const t0 = performance.now();
      try {
        await step({ kind: "zstd", target: entry.target, distDir: this.dist.distDir, file, signal: this.stopping.signal });
        this.log.info("cli_build.zstd_ready", { target: entry.target, seconds: seconds(t0) });
      } catch (error) {
        this.log.warn("cli_build.zstd_failed", { target: entry.target, reason: reasonOf(error) });
      }
    }
  }
}

function seconds(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hostTargetOrNull(): string | null {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const arch = process.arch;
  if (!TARGETS.some((t) => t.os === os && t.arch === arch)) return null;
  const musl = os === "linux" && existsSync("/etc/alpine-release");
  return chooseTarget({ os: os as "linux", arch: arch as "x64", musl, avx2: true }, TARGET_NAMES).target;
}

/** The real step: `nice -n 10 bun build.ts …` (low priority), its output kept for the failure reason. */
async function spawnStep(step: Parameters<BuildStep>[0]): Promise<void> {
  const args =
    step.kind === "build"
      ? ["build.ts", "--targets", step.target, "--out", step.distDir, "--merge", "--no-zstd", "--jobs", "1"]
      : ["build.ts", "--child-zstd", step.file!];
  const nice = Bun.which("nice");
  const cmd = [...(nice ? [nice, "-n", "10"] : []), process.execPath, ...args];
  const env = step.signingKeyFile ? { ...process.env, DA_SIGNING_KEY: step.signingKeyFile } : process.env;
  const proc = Bun.spawn(cmd, { cwd: ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe", env, signal: step.signal });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) {
    const tail = `${out}\n${err}`.trim().split("\n").slice(-6).join(" | ");
    throw new Error(`exit ${code}: ${tail || "no output"}`);
  }
}
