// `da update` must never leave the user without a working da, must replace a build with the same
// build, and must not be turned into a way to overwrite files. The compiled da runs against the real
// server serving real builds, and a deliberately broken one (matching manifest, binary that cannot run).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, type RunningServer } from "../helpers/server";
import { buildAllTargets, buildDist, buildNewerRelease, cleanupTempDirs, distTempDir, fakeDist, sha256File, type BuiltDist } from "../helpers/dist";
import { daBinary, hasStackTrace } from "../helpers/cli";

const VERSION: string = JSON.parse(readFileSync(join(import.meta.dir, "../../package.json"), "utf8")).version;
const VICTIM_TEXT = "root:x:0:0:do not overwrite me\n";

let baselineNow: BuiltDist; // every target at this version: its linux-x64-baseline is the da a no-AVX2 machine has
let newer: BuiltDist; // 9.9.9 for linux-x64 and linux-x64-baseline
let hostTarget: string;
const servers: RunningServer[] = [];
const serve = async (dir: string) => {
  const server = await startServer({ env: { CLI_DIST_DIR: dir } });
  servers.push(server);
  return server;
};

beforeAll(async () => {
  [baselineNow, newer] = await Promise.all([buildAllTargets(), buildNewerRelease()]);
  const proc = Bun.spawnSync([await daBinary(), "version", "--json"], { env: { PATH: "/usr/bin:/bin", HOME: distTempDir() } });
  hostTarget = JSON.parse(proc.stdout.toString()).target;
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  cleanupTempDirs();
});

/** A da installed in a directory of its own (mode 0755). */
async function installed(from?: string): Promise<{ dir: string; exe: string }> {
  const dir = join(distTempDir("agnes-da-installed-"), "bin");
  mkdirSync(dir, { mode: 0o755 });
  const exe = join(dir, "da");
  copyFileSync(from ?? (await daBinary()), exe);
  chmodSync(exe, 0o755);
  return { dir, exe };
}

async function da(exe: string, args: string[], server?: RunningServer, wrap?: string[]) {
  const home = distTempDir("agnes-da-home-");
  const env: Record<string, string> = { PATH: "/usr/bin:/bin", HOME: home, NO_COLOR: "1", ...(server ? { DA_SERVER: server.url } : {}) };
  const proc = Bun.spawn([...(wrap ?? []), exe, ...args], { env, stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: 120_000 });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr, pid: proc.pid };
}

const targetOf = async (exe: string) => JSON.parse((await da(exe, ["version", "--json"])).stdout) as { version: string; target: string };

describe("like with like", () => {
  test("a linux-x64-baseline da (a CPU without AVX2) updates to the baseline build, not linux-x64", async () => {
    const server = await serve(newer.dir);
    const { exe } = await installed(join(baselineNow.dir, "da-linux-x64-baseline"));
    expect(await targetOf(exe)).toMatchObject({ version: VERSION, target: "linux-x64-baseline" });
    const result = await da(exe, ["update"], server);
    expect(result.stderr).not.toContain("error:");
    expect(result.code).toBe(0);
    const baseline = newer.manifest.targets.find((t) => t.target === "linux-x64-baseline")!;
    expect(await sha256File(exe)).toBe(baseline.sha256);
    expect(await targetOf(exe)).toMatchObject({ version: "9.9.9", target: "linux-x64-baseline" });
  });
});

describe("a broken build on the server", () => {
  test("garbage or a binary that fails, with a matching checksum: refused after running it, the old da stays", async () => {
    for (const body of ["\x7fELF this is not a program\n".repeat(50), "#!/bin/sh\necho 'da: broken build' >&2\nexit 3\n"]) {
      const broken = fakeDist(
        [hostTarget, "linux-x64-baseline"].filter((v, i, a) => a.indexOf(v) === i),
        { version: "9.9.9", body: () => body },
      );
      const server = await serve(broken.dir);
      const { dir, exe } = await installed();
      const before = await sha256File(exe);
      const result = await da(exe, ["update"], server);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("does not run on this machine");
      expect(result.stderr).toContain("the installed da is unchanged");
      expect(hasStackTrace(result.stderr)).toBe(false);
      expect(await sha256File(exe)).toBe(before);
      expect(readdirSync(dir)).toEqual(["da"]);
      expect((await da(exe, ["--version"])).code).toBe(0);
    }
  });
});

describe("a server whose builds another key signed", () => {
  test("build.ts with another DA_SIGNING_KEY: da update refuses it in one line, exit 1, the installed da byte-identical", async () => {
    const otherKey = join(distTempDir("agnes-other-key-"), "da-signing-key");
    const forged = await buildDist({ targets: [hostTarget], version: "9.9.9", signingKeyFile: otherKey });
    const server = await startServer({ env: { CLI_DIST_DIR: forged.dir, DA_SIGNING_KEY: otherKey } });
    servers.push(server);
    const { dir, exe } = await installed();
    const before = readFileSync(exe);
    const result = await da(exe, ["update"], server);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^error: the signature of da 9\.9\.9 from .* does not verify \(the release is signed by key [0-9A-F]{16}, which this da does not trust/,
    );
    expect(result.code).toBe(1);
    expect(readFileSync(exe).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(["da"]);
    await Bun.sleep(300); // the request log is written in batches
    expect(server.logs()).toContain('"path":"/cli/manifest.json"');
    expect(server.logs()).not.toContain('"path":"/cli/download/'); // refused before downloading
  });
});

describe("rollback", () => {
  test("update keeps da.previous; --rollback puts it back, and again undoes that", async () => {
    const server = await serve(newer.dir);
    const { dir, exe } = await installed();
    const original = await sha256File(exe);
    expect((await da(exe, ["update", "--rollback"])).stderr).toContain("there is no previous da");
    const update = await da(exe, ["update"], server);
    expect(update.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["da", "da.previous"]);
    expect(await sha256File(join(dir, "da.previous"))).toBe(original);
    const back = await da(exe, ["update", "--rollback"]);
    expect(back.stderr).toContain(`Rolled back da 9.9.9 → ${VERSION}`);
    expect(back.code).toBe(0);
    expect(await sha256File(exe)).toBe(original);
    expect((await targetOf(exe)).version).toBe(VERSION);
    expect((await da(exe, ["update", "--rollback"])).code).toBe(0);
    expect((await targetOf(exe)).version).toBe("9.9.9");
    expect(readdirSync(dir).sort()).toEqual(["da", "da.previous"]);
  });

  test("a previous da that does not run is not rolled back to; no previous is a clear error", async () => {
    const { dir, exe } = await installed();
    const none = await da(exe, ["update", "--rollback"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`there is no previous da to go back to (${join(dir, "da.previous")} does not exist)`);
    writeFileSync(join(dir, "da.previous"), "#!/bin/sh\nexit 4\n", { mode: 0o755 });
    const before = await sha256File(exe);
    const broken = await da(exe, ["update", "--rollback"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("does not run (exit 4)");
    expect(await sha256File(exe)).toBe(before);
  });
});

describe("hostile files and directories", () => {
  function victim(): string {
    const file = join(distTempDir("agnes-victim-"), "passwd");
    writeFileSync(file, VICTIM_TEXT);
    return file;
  }

  test("symlinks at da.previous and at the temp name the old da used are replaced or avoided, never written through", async () => {
    const server = await serve(newer.dir);
    const { dir, exe } = await installed();
    const atPrevious = victim();
    const atTemp = victim();
    symlinkSync(atPrevious, join(dir, "da.previous"));
    // Stop da before it starts so a symlink can be planted at `.da.<pid>.new`, the name it used to write.
    const stopped = Bun.spawn(["sh", "-c", 'kill -STOP $$; exec "$0" update', exe], {
      env: { PATH: "/usr/bin:/bin", HOME: distTempDir(), NO_COLOR: "1", DA_SERVER: server.url },
      stdout: "pipe",
      stderr: "pipe",
      timeout: 120_000,
    });
    const state = () => readFileSync(`/proc/${stopped.pid}/stat`, "utf8").split(") ")[1]!.split(" ")[0];
    for (let i = 0; i < 1000 && state() !== "T"; i++) await Bun.sleep(10);
    symlinkSync(atTemp, join(dir, `.da.${stopped.pid}.new`));
    process.kill(stopped.pid, "SIGCONT");
    const [stderr, code] = await Promise.all([new Response(stopped.stderr).text(), stopped.exited]);
    expect(stderr).not.toContain("error:");
    expect(code).toBe(0);
    expect(readFileSync(atPrevious, "utf8")).toBe(VICTIM_TEXT);
    expect(readFileSync(atTemp, "utf8")).toBe(VICTIM_TEXT);
    expect(lstatSync(join(dir, "da.previous")).isFile()).toBe(true);
    expect((await targetOf(exe)).version).toBe("9.9.9");
  });

  test("an install directory other users can write to is refused, the da in it unchanged", async () => {
    const server = await serve(newer.dir);
    for (const mode of [0o777, 0o1777]) {
      const { dir, exe } = await installed();
      chmodSync(dir, mode);
      const before = await sha256File(exe);
      const result = await da(exe, ["update"], server);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`${dir} can be written by other users`);
      expect(result.stderr).toContain("chmod go-w");
      expect(await sha256File(exe)).toBe(before);
      expect(readdirSync(dir)).toEqual(["da"]);
    }
  });
});
