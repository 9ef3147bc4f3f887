// Builds the real `da` binary (once per `bun test` run, reused while the CLI is unchanged) and runs it
// with a clean environment: a temp HOME per sandbox, nothing inherited from the developer's shell.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { compileDa } from "../../scripts/build-cli";
import { testPublicKey } from "./signing";

const ROOT = resolve(import.meta.dir, "../..");
// Builds are cached under dist/test-da/<key>, keyed by the CLI's sources and the commit: `bun test`
// has no exit hook to delete a temp build, and an unchanged CLI need not be rebuilt at all.
const CACHE_DIR = join(ROOT, "dist", "test-da");
const STALE_MS = 60 * 60_000;

function buildKey(): string {
  const hasher = new Bun.CryptoHasher("sha256");
  const files = [...new Bun.Glob("cli/**/*.ts").scanSync(ROOT)].sort();
  const shared = [...new Bun.Glob("src/shared/**/*.ts").scanSync(ROOT)].sort();
  for (const file of [...files, ...shared, "src/shared/targets.ts", "scripts/build-cli.ts", "package.json", "bun.lock"]) {
    hasher.update(file);
    if (existsSync(join(ROOT, file))) hasher.update(readFileSync(join(ROOT, file)));
  }
  hasher.update(Bun.spawnSync(["git", "rev-parse", "HEAD"], { cwd: ROOT, stderr: "ignore" }).stdout);
  hasher.update(testPublicKey()); // baked in: a new test key needs a new binary
  return hasher.digest("hex").slice(0, 16);
}

/** Old builds go once nobody can still be using them (another run may be on a different key). */
function pruneOldBuilds(keep: string): void {
  for (const name of readdirSync(CACHE_DIR)) {
    const dir = join(CACHE_DIR, name);
    if (name !== keep && Date.now() - statSync(dir).mtimeMs > STALE_MS) rmSync(dir, { recursive: true, force: true });
  }
}

async function buildOnce(): Promise<string> {
  const key = buildKey();
  const dir = join(CACHE_DIR, key);
  const binary = join(dir, "da");
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  // Build beside, then rename: two test runs building at once never see half a binary.
  const partial = `${binary}.${process.pid}.partial`;
  await compileDa({ outfile: partial, signingKey: testPublicKey() });
  renameSync(partial, binary);
  pruneOldBuilds(key);
  return binary;
}

let built: Promise<string> | null = null;

/** Path to the compiled host binary; the first caller builds it (or finds it cached), everyone shares it. */
export function daBinary(): Promise<string> {
  built ??= buildOnce();
  return built;
}

export type DaResult = { code: number; stdout: string; stderr: string };
export type RunOptions = { env?: Record<string, string>; stdin?: string; cwd?: string };

/** A temp HOME; `configDir` is where da keeps its files when no DA_CONFIG_DIR/XDG is set. */
export type Sandbox = { home: string; configDir: string; env: Record<string, string>; cleanup: () => void };

const liveSandboxes = new Set<Sandbox>();

export function sandbox(): Sandbox {
  const home = mkdtempSync(join(tmpdir(), "da-home-"));
  const box: Sandbox = {
    home,
    configDir: join(home, ".config", "da"),
    env: { HOME: home, NO_COLOR: "1" },
    cleanup: () => {
      liveSandboxes.delete(box);
      rmSync(home, { recursive: true, force: true });
    },
  };
  liveSandboxes.add(box);
  return box;
}

/** Removes every sandbox made so far (call from afterAll; a test keeps its box in a local). */
export function cleanupSandboxes(): void {
  for (const box of [...liveSandboxes]) box.cleanup();
}

export async function runDa(args: string[], opts: RunOptions = {}): Promise<DaResult> {
  const binary = await daBinary();
  const proc = Bun.spawn([binary, ...args], {
    cwd: opts.cwd ?? opts.env?.HOME ?? tmpdir(),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...opts.env },
    stdin: opts.stdin === undefined ? "ignore" : new Blob([opts.stdin]),
    stdout: "pipe",
    stderr: "pipe",
    timeout: 60_000,
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** Every expected failure must read as a message, never as a JavaScript stack trace. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at /m.test(text);
}
