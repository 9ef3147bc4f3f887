// install.sh on a machine where someone else got there first: a symlink planted at ~/.local/bin/da
// or at the temp name the installer would use, and install directories other users can write to.
// The served script is run for real (piped into sh, temp HOME) against the real server.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, type RunningServer } from "../helpers/server";
import { testPublicKey } from "../helpers/signing";
import { buildAllTargets, cleanupTempDirs, distTempDir } from "../helpers/dist";
import { BASE_PATH, pipeInstaller, run, tempHome, type InstallResult } from "./helpers";

const TIMEOUT = 240_000;
const VICTIM_TEXT = "root:x:0:0:do not overwrite me\n";

let server: RunningServer;
beforeAll(async () => {
  const full = await buildAllTargets();
  server = await startServer({ env: { CLI_DIST_DIR: full.dir } });
}, TIMEOUT);
afterAll(async () => {
  await server?.stop();
  cleanupTempDirs();
});

/** A file standing in for /etc/passwd: it must come out of every test unchanged. */
function victim(): string {
  const file = join(distTempDir("agnes-victim-"), "passwd");
  writeFileSync(file, VICTIM_TEXT);
  return file;
}

function processState(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[0]!;
  } catch {
    return "gone";
  }
}

/**
 * Runs the served install.sh with `sh`, stopped just before it starts so `plant(pid)` can put
 * files at names derived from its pid ($$) — what an attacker guessing temp names would do.
 */
async function runStoppedFirst(home: string, plant: (pid: number) => void): Promise<InstallResult> {
  const file = join(distTempDir("agnes-script-"), "install.sh");
  writeFileSync(file, await (await fetch(`${server.url}/cli/install.sh`)).text());
  const proc = Bun.spawn(["sh", "-c", 'kill -STOP $$; exec sh "$0"', file], {
    env: { HOME: home, PATH: BASE_PATH },
    cwd: home,
    stdout: "pipe",
    stderr: "pipe",
    timeout: 120_000,
  });
  for (let i = 0; i < 1000 && processState(proc.pid) !== "T"; i++) await Bun.sleep(10);
  expect(processState(proc.pid)).toBe("T");
  plant(proc.pid);
  process.kill(proc.pid, "SIGCONT");
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

describe("symlinks planted where install.sh writes", () => {
  test("~/.local/bin/da -> /etc/passwd-like file: refused, the file untouched", async () => {
    const home = tempHome();
    const target = victim();
    mkdirSync(join(home, ".local/bin"), { recursive: true, mode: 0o755 });
    symlinkSync(target, join(home, ".local/bin/da"));
    const result = await pipeInstaller(server.url, { home });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`${join(home, ".local/bin/da")} is a symbolic link`);
    expect(result.stderr).toContain("remove it");
    expect(readFileSync(target, "utf8")).toBe(VICTIM_TEXT);
    expect(readlinkSync(join(home, ".local/bin/da"))).toBe(target);
  });

  test("symlinks at the temp names an attacker can predict from the pid are never written through", async () => {
    const home = tempHome();
    const binDir = join(home, ".local/bin");
    const configDir = join(home, ".config/da");
    mkdirSync(binDir, { recursive: true, mode: 0o755 });
    mkdirSync(configDir, { recursive: true, mode: 0o755 });
    const download = victim();
    const config = victim();
    const result = await runStoppedFirst(home, (pid) => {
      // the names install.sh used before it took fresh ones from mktemp
      symlinkSync(download, join(binDir, `.da.download.${pid}`));
      symlinkSync(config, join(configDir, `config.yml.tmp.${pid}`));
    });
    expect(result.stderr).not.toContain("error:");
    expect(result.code).toBe(0);
    expect(readFileSync(download, "utf8")).toBe(VICTIM_TEXT);
    expect(readFileSync(config, "utf8")).toBe(VICTIM_TEXT);
    expect(lstatSync(join(binDir, "da")).isFile()).toBe(true);
    expect(readFileSync(join(configDir, "config.yml"), "utf8")).toBe(`server: ${server.url}\nsigning_key: ${testPublicKey()}\n`);
    const version = await run([join(binDir, "da"), "--version"], { HOME: home, PATH: BASE_PATH });
    expect(version.code).toBe(0);
  });
});

describe("install directories other users can write to", () => {
  function sharedDir(mode: number, gid?: number): string {
    const dir = join(tempHome(), "shared-bin");
    mkdirSync(dir);
    if (gid !== undefined) chownSync(dir, process.getuid!(), gid);
    chmodSync(dir, mode);
    return dir;
  }

  test("world-writable (with or without the sticky bit) or group-writable by another group: refused", async () => {
    const usersGroup = process.getgid!() === 100 ? 101 : 100;
    for (const dir of [sharedDir(0o777), sharedDir(0o1777), sharedDir(0o775, usersGroup)]) {
      const result = await pipeInstaller(server.url, { home: tempHome(), env: { DA_INSTALL_DIR: dir } });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`${dir} can be written by other users`);
      expect(result.stderr).toContain("chmod go-w");
      expect(existsSync(join(dir, "da"))).toBe(false);
    }
  });

  test("a user-private group (owner uid = group gid = ours) may be group-writable", async () => {
    if (process.getuid!() !== process.getgid!()) throw new Error("this test needs a user whose uid equals its gid (a user-private group)");
    const dir = sharedDir(0o775, process.getgid!());
    const result = await pipeInstaller(server.url, { home: tempHome(), env: { DA_INSTALL_DIR: dir } });
    expect(result.stderr).not.toContain("error:");
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, "da"))).toBe(true);
  });

  test("a directory the installer creates is its own: created writable by the user alone, even with umask 000", async () => {
    const home = tempHome();
    const dir = join(home, "new", "bin");
    const result = await run(["sh", "-c", `umask 000; curl -fsSL '${server.url}/cli/install.sh' | sh`], { HOME: home, PATH: BASE_PATH, DA_INSTALL_DIR: dir });
    expect(result.stderr).not.toContain("error:");
    expect(result.code).toBe(0);
    expect(statSync(dir).mode & 0o777).toBe(0o755);
    expect(existsSync(join(dir, "da"))).toBe(true);
  });
});
