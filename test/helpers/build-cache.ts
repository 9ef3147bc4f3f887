// Builds that every test process of a run shares (`bun test --parallel` runs files in several
// workers) and that later runs reuse while the CLI's sources are unchanged: dist/<kind>/<key>/.
// The first process to need one takes a lock file and builds; the others wait for its marker, so a
// 25 s every-target build or the test `da` is made once, not once per worker.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { testPublicKey } from "./signing";

const ROOT = resolve(import.meta.dir, "../..");
const STALE_MS = 60 * 60_000;
const WAIT_MS = 15 * 60_000;

/**
 * The CLI's and shared sources. One glob per folder: Bun 1.4's Glob matched nothing for
 * "{cli,src/shared}/**\/*.ts" (an alternative with a slash), so edits to the CLI reused a stale binary.
 */
export function cliSources(): string[] {
  return ["cli/**/*.ts", "src/shared/**/*.ts"].flatMap((pattern) => [...new Bun.Glob(pattern).scanSync(ROOT)]).sort();
}

/** A key for everything a `da` build reads: the CLI's and shared sources, the build scripts, the commit, the test key. */
export function cliSourceKey(): string {
  const hasher = new Bun.CryptoHasher("sha256");
  const sources = cliSources();
  for (const file of [...sources, "build.ts", "scripts/build-cli.ts", "package.json", "bun.lock"]) {
    hasher.update(file);
    if (existsSync(join(ROOT, file))) hasher.update(readFileSync(join(ROOT, file)));
  }
  hasher.update(Bun.spawnSync(["git", "rev-parse", "HEAD"], { cwd: ROOT, stderr: "ignore" }).stdout);
  hasher.update(testPublicKey()); // baked in: a new test key needs a new binary
  return hasher.digest("hex").slice(0, 16);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

function tryLock(lock: string): boolean {
  try {
    writeFileSync(lock, String(process.pid), { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code !== "EEXIST") throw error;
    const holder = Number(readFileSync(lock, "utf8")) || 0;
    if (holder && !alive(holder)) rmSync(lock, { force: true }); // its builder died: the next try may take it
    return false;
  }
}

/** Old builds go once nobody can still be using them (another run may be on a different key). */
function pruneOld(parent: string, keep: string): void {
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    if (!name.startsWith(keep) && Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
  }
}

/** The directory of the `kind` build for the current sources, made by `make(dir)` once across processes. */
export async function sharedBuild(kind: string, make: (dir: string) => Promise<void>): Promise<string> {
  const parent = join(ROOT, "dist", kind);
  const key = cliSourceKey();
  const dir = join(parent, key);
  const complete = `${dir}.complete`;
  mkdirSync(parent, { recursive: true });
  const deadline = Date.now() + WAIT_MS;
  while (!existsSync(complete)) {
    if (tryLock(`${dir}.lock`)) {
      try {
        if (existsSync(complete)) break;
        rmSync(dir, { recursive: true, force: true }); // half a build from a process that died
        mkdirSync(dir, { recursive: true });
        await make(dir);
        writeFileSync(complete, "");
        pruneOld(parent, key);
      } finally {
        rmSync(`${dir}.lock`, { force: true });
      }
    } else {
      if (Date.now() > deadline) throw new Error(`waited ${WAIT_MS / 60_000} min for another test process to build ${dir}`);
      await Bun.sleep(200);
    }
  }
  return dir;
}
