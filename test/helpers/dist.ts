// CLI builds for distribution and install tests. `buildAllTargets()` runs the real `bun build.ts`
// for every platform once per run (it takes ~25 s and ~1.2 GB; cached under dist/ while the CLI is
// unchanged) and every test file that needs it shares the result; `buildDist()` makes smaller fixtures (one target, another version);
// `fakeDist()` writes tiny stand-in "binaries" and a manifest for HTTP tests that need no real `da`.
// Test files that make temp dirs here call cleanupTempDirs() in afterAll.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { binaryFilename, targetInfo } from "../../src/shared/targets";
import { publicKeyBase64, publicKeyOf, type SecretKey } from "../../src/shared/minisign";
import { sharedBuild } from "./build-cache";
import { signRelease, sumsFor, TEST_SIGNING_KEY_FILE, testSigningKey } from "./signing";

const ROOT = resolve(import.meta.dir, "../..");

export type DistTarget = { target: string; os: string; arch: string; filename: string; size: number; sha256: string };
export type DistManifest = { version: string; commit: string; targets: DistTarget[]; sha256sums?: string; signature?: string; signing_key?: string };
export type BuiltDist = { dir: string; manifest: DistManifest; output: string };

// `bun test` runs no process "exit" handlers, so temp dirs carry the test process's pid: each
// file removes its own in afterAll (cleanupTempDirs), and what a killed run left behind is removed
// by the next run once its process is gone (sweepOrphans).
const TEMP_NAME = /^agnes-[a-z-]+-p(\d+)-[A-Za-z0-9]{6}$/;
const tempDirs: string[] = [];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

function sweepOrphans(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = TEMP_NAME.exec(name)?.[1];
    if (pid && Number(pid) !== process.pid && !alive(Number(pid))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}
sweepOrphans();

function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}p${process.pid}-`));
}

/** A temp dir that cleanupTempDirs() removes. */
export function distTempDir(prefix = "agnes-dist-"): string {
  const dir = makeTempDir(prefix);
  tempDirs.push(dir);
  return dir;
}

/** Removes every temp dir this helper made for the calling file (not the shared build). For afterAll. */
export function cleanupTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export async function runBuild(args: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawn(["bun", "build.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, DA_SIGNING_KEY: (testSigningKey(), TEST_SIGNING_KEY_FILE), ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, exitCode };
}

/** Runs `bun build.ts` into a fresh temp dir; throws with its output when it fails. */
export async function buildDist(
  opts: { targets?: string[]; version?: string; gzip?: boolean; zstd?: boolean; signingKeyFile?: string } = {},
): Promise<BuiltDist> {
  const dir = distTempDir();
  const args = ["--out", dir];
  if (opts.targets) args.push("--targets", opts.targets.join(","));
  if (opts.gzip === false) args.push("--no-gzip");
  // zstd -19 takes 1–2 min per target: only the tests about it ask for it.
  if (opts.zstd !== true) args.push("--no-zstd");
  const result = await runBuild(args, {
    ...(opts.version ? { DA_VERSION: opts.version } : {}),
    ...(opts.signingKeyFile ? { DA_SIGNING_KEY: opts.signingKeyFile } : {}),
  });
  if (result.exitCode !== 0) throw new Error(`build.ts failed (${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
  const manifest = (await Bun.file(join(dir, "manifest.json")).json()) as DistManifest;
  return { dir, manifest, output: result.stdout + result.stderr };
}

/** A `bun build.ts` run shared by every test process of the run (build-cache.ts); read-only for its users. */
async function sharedDist(kind: string, args: string[], env: Record<string, string> = {}): Promise<BuiltDist> {
  let output = "";
  const dir = await sharedBuild(kind, async (into) => {
    const result = await runBuild(["--out", into, "--no-zstd", ...args], env);
    if (result.exitCode !== 0) throw new Error(`build.ts failed (${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
    output = result.stdout + result.stderr;
  });
  const manifest = (await Bun.file(join(dir, "manifest.json")).json()) as DistManifest;
  return { dir, manifest, output };
}

let allTargets: Promise<BuiltDist> | null = null;
let newerRelease: Promise<BuiltDist> | null = null;

/** Every target at package.json's version, built once per run. Do not modify the files it returns. */
export function buildAllTargets(): Promise<BuiltDist> {
  allTargets ??= sharedDist("test-all-targets", []);
  return allTargets;
}

/** "A newer release": 9.9.9 for linux-x64 and linux-x64-baseline, built once per run. Do not modify its files. */
export function buildNewerRelease(): Promise<BuiltDist> {
  newerRelease ??= sharedDist("test-newer-release", ["--targets", "linux-x64,linux-x64-baseline"], { DA_VERSION: "9.9.9" });
  return newerRelease;
}

/**
 * Tiny fake binaries with a correct manifest (and .gz copies unless gzip: false), signed with the test
 * key as build.ts signs (`signWith`: another key; null: unsigned).
 */
export function fakeDist(
  targets: string[],
  opts: { version?: string; gzip?: boolean; body?: (target: string) => string; signWith?: SecretKey | null } = {},
): BuiltDist {
  const dir = distTempDir("agnes-fake-dist-");
  mkdirSync(dir, { recursive: true });
  const entries: DistTarget[] = targets.map((target) => {
    const info = targetInfo(target);
    if (!info) throw new Error(`unknown target ${target}`);
    const filename = binaryFilename(target);
    const body = opts.body?.(target) ?? `fake da for ${target}\n`.repeat(200);
    writeFileSync(join(dir, filename), body);
    if (opts.gzip !== false) writeFileSync(join(dir, `${filename}.gz`), Bun.gzipSync(Buffer.from(body)));
    const sha256 = new Bun.CryptoHasher("sha256").update(body).digest("hex");
    return { target, os: info.os, arch: info.arch, filename, size: Buffer.byteLength(body), sha256 };
  });
  const version = opts.version ?? "1.2.3";
  const sums = sumsFor(entries);
  const signature = opts.signWith === null ? null : signRelease(sums, version, opts.signWith ?? testSigningKey());
  const signingKey = publicKeyBase64(publicKeyOf(opts.signWith ?? testSigningKey()));
  const manifest: DistManifest = {
    version,
    commit: "fixture",
    targets: entries,
    ...(signature ? { sha256sums: sums, signature, signing_key: signingKey } : {}),
  };
  writeFileSync(join(dir, "SHA256SUMS"), sums);
  if (signature) writeFileSync(join(dir, "SHA256SUMS.minisig"), signature);
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return { dir, manifest, output: "" };
}

export function sha256File(path: string): Promise<string> {
  return Bun.file(path)
    .bytes()
    .then((bytes) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex"));
}
