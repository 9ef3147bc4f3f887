// The install a user meets: the real server serving the real build on loopback, `curl … | sh` in a
// temp HOME; then `da` must work (--version, login, whoami), a re-run upgrades, a bad binary is refused.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, type RunningServer } from "../helpers/server";
import { cleanupTempDirs, buildAllTargets, buildNewerRelease, distTempDir, fakeDist, sha256File, type BuiltDist } from "../helpers/dist";
import { testPublicKey } from "../helpers/signing";
import { BASE_PATH, corruptedCopyOf, pipeInstaller, restrictedToolDir, run, runScript, SCRIPT_TOOLS, stubDir, tempHome } from "./helpers";

const TIMEOUT = 240_000;
const ADMIN = { AGNES_ADMIN_EMAIL: "admin@example.com", AGNES_ADMIN_PASSWORD: "admin-password-1" };

let full: BuiltDist; // every target, version from package.json
let newer: BuiltDist; // linux-x64 and linux-x64-baseline, version 9.9.9
// `plainOnly` serves linux-x64 alone: no musl or baseline build to pick.
let main: RunningServer, upgrade: RunningServer, corrupt: RunningServer, plainOnly: RunningServer;

beforeAll(async () => {
  [full, newer] = await Promise.all([buildAllTargets(), buildNewerRelease()]);
  const corruptDir = corruptedCopyOf(newer);
  [main, upgrade, corrupt, plainOnly] = await Promise.all([
    startServer({ env: { CLI_DIST_DIR: full.dir, ...ADMIN } }),
    startServer({ env: { CLI_DIST_DIR: newer.dir, ...ADMIN } }),
    startServer({ env: { CLI_DIST_DIR: corruptDir, ...ADMIN } }),
    startServer({ env: { CLI_DIST_DIR: fakeDist(["linux-x64"]).dir } }),
  ]);
}, TIMEOUT);

afterAll(async () => {
  await Promise.all([main?.stop(), upgrade?.stop(), corrupt?.stop(), plainOnly?.stop()]);
  cleanupTempDirs();
});

const da = (home: string, args: string[], stdin?: string, env: Record<string, string> = {}) =>
  run([join(home, ".local/bin/da"), ...args], { HOME: home, PATH: BASE_PATH, NO_COLOR: "1", ...env }, stdin);

const hostVersion = () => full.manifest.version;

describe("curl … | sh on this machine", () => {
  test("installs da into ~/.local/bin, writes the server into the config, and da signs in", async () => {
    const home = tempHome();
    const result = await pipeInstaller(main.url, { home });
    expect(result.stderr).not.toContain("error:");
    expect(result.code).toBe(0);
    const bin = join(home, ".local/bin/da");
    expect(statSync(bin).mode & 0o777).toBe(0o755);
    expect(readdirSync(join(home, ".local/bin"))).toEqual(["da"]); // no temp file left behind
    expect(result.stdout).toContain(`Installed da ${hostVersion()}`);
    expect(result.stdout).toContain(`${join(home, ".local/bin")} is not on your PATH`);
    expect(result.stdout).toContain("da login");
    expect(readFileSync(join(home, ".config/da/config.yml"), "utf8")).toBe(`server: ${main.url}\nsigning_key: ${testPublicKey()}\n`);
    // linux-x64, or linux-x64-baseline on a CPU without AVX2
    const candidates = full.manifest.targets.filter((t) => t.target === "linux-x64" || t.target === "linux-x64-baseline");
    expect(candidates.map((t) => t.sha256)).toContain(await sha256File(bin));

    const version = await da(home, ["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toContain(hostVersion());

    const login = await da(home, ["login", "--email", ADMIN.AGNES_ADMIN_EMAIL, "--password-stdin"], ADMIN.AGNES_ADMIN_PASSWORD);
    expect(login.stderr + login.stdout).not.toMatch(/^\s+at /m);
    expect(login.code).toBe(0);
    const whoami = await da(home, ["auth", "whoami"]);
    expect(whoami.code).toBe(0);
    expect(whoami.stdout + whoami.stderr).toContain(ADMIN.AGNES_ADMIN_EMAIL);
    expect(whoami.stdout + whoami.stderr).toContain(main.url);
  });

  test("re-running is safe, and against a newer server it upgrades in place (old -> new)", async () => {
    const home = tempHome();
    expect((await pipeInstaller(main.url, { home })).code).toBe(0);
    const again = await pipeInstaller(main.url, { home });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("already installed");

    const upgraded = await pipeInstaller(upgrade.url, { home });
    expect(upgraded.stderr).not.toContain("error:");
    expect(upgraded.code).toBe(0);
    expect(upgraded.stdout).toContain(`Upgraded da ${hostVersion()} -> 9.9.9`);
    expect((await da(home, ["--version"])).stdout).toContain("9.9.9");
    expect(readFileSync(join(home, ".config/da/config.yml"), "utf8")).toBe(`server: ${upgrade.url}\nsigning_key: ${testPublicKey()}\n`);
    expect(readdirSync(join(home, ".local/bin"))).toEqual(["da"]);
  });

  test("a binary whose checksum does not match the manifest is refused, and the installed da is untouched", async () => {
    const home = tempHome();
    expect((await pipeInstaller(main.url, { home })).code).toBe(0);
    const bin = join(home, ".local/bin/da");
    const before = await sha256File(bin);

    const result = await pipeInstaller(corrupt.url, { home });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("checksum mismatch");
    expect(result.stderr).toContain("was not changed");
    expect(await sha256File(bin)).toBe(before);
    expect(readdirSync(join(home, ".local/bin"))).toEqual(["da"]);
    expect((await da(home, ["--version"])).stdout).toContain(hostVersion());
    // The config still points at the server it was installed from.
    expect(readFileSync(join(home, ".config/da/config.yml"), "utf8")).toBe(`server: ${main.url}\nsigning_key: ${testPublicKey()}\n`);

    const fresh = tempHome();
    const refused = await pipeInstaller(corrupt.url, { home: fresh });
    expect(refused.code).not.toBe(0);
    expect(existsSync(join(fresh, ".local/bin/da"))).toBe(false);
  });

  test("DA_INSTALL_DIR on PATH: no PATH hint; the config merge keeps other lines (DA_CONFIG_DIR, XDG_CONFIG_HOME)", async () => {
    const home = tempHome();
    const dir = join(home, "tools");
    const configDir = join(home, "custom-config");
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, "config.yml"), "# my settings\nserver: https://old.example.com\ncolor: never\n");
    const result = await pipeInstaller(main.url, { home, env: { DA_INSTALL_DIR: dir, DA_CONFIG_DIR: configDir }, pathPrefix: [dir] });
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, "da"))).toBe(true);
    expect(result.stdout).not.toContain("not on your PATH");
    expect(readFileSync(join(configDir, "config.yml"), "utf8")).toBe(`# my settings\nserver: ${main.url}\ncolor: never\nsigning_key: ${testPublicKey()}\n`);
    expect(existsSync(join(home, ".config"))).toBe(false);

    const xdg = join(home, "xdg");
    // …and piped into bash instead of sh (bash outside POSIX mode does not carry `set -e` into $( )).
    const viaXdg = await pipeInstaller(main.url, { home, env: { DA_INSTALL_DIR: dir, XDG_CONFIG_HOME: xdg }, pathPrefix: [dir], shell: "bash" });
    expect(viaXdg.code).toBe(0);
    expect(viaXdg.stdout).toContain("already installed");
    expect(readFileSync(join(xdg, "da/config.yml"), "utf8")).toBe(`server: ${main.url}\nsigning_key: ${testPublicKey()}\n`);
  });

  test("works with wget when curl is missing", async () => {
    const script = await (await fetch(`${main.url}/cli/install.sh`)).text();
    // A wget stand-in (CI machines may lack the real one) that speaks wget's flags and fetches with curl.
    const wget = stubDir({
      wget: [
        'if [ "${1:-}" = --help ]; then echo "  --show-progress"; exit 0; fi',
        'out=-; url=""',
        'while [ $# -gt 0 ]; do case "$1" in -q|--show-progress) ;; -O) shift; out=$1 ;; *) url=$1 ;; esac; shift; done',
        'echo "$url" >> "$HOME/wget.log"',
        'exec /usr/bin/curl -fsSL -o "$out" "$url"',
      ].join("\n"),
    });
    const tools = restrictedToolDir(SCRIPT_TOOLS);
    const home = tempHome();
    const result = await runScript(script, { home, path: `${wget}:${tools}` });
    expect(result.stderr).not.toContain("error:");
    expect(result.code).toBe(0);
    expect(readFileSync(join(home, "wget.log"), "utf8")).toContain("/cli/download/linux-x64");
    expect((await da(home, ["--version"])).code).toBe(0);
  });

  test("no curl or wget, or an unreachable server: a clear message and a non-zero exit", async () => {
    const script = await (await fetch(`${main.url}/cli/install.sh`)).text();
    const home = tempHome();
    const noDownloader = await runScript(script, { home, path: restrictedToolDir(SCRIPT_TOOLS) });
    expect(noDownloader.code).not.toBe(0);
    expect(noDownloader.stderr).toContain("neither curl nor wget");
    expect(existsSync(join(home, ".local"))).toBe(false);

    // The script as a server at a dead address would serve it (port 1 on loopback refuses).
    const dead = await run(["curl", "-fsS", "-H", "Host: 127.0.0.1:1", `${main.url}/cli/install.sh`], { PATH: BASE_PATH, HOME: home });
    expect(dead.stdout).toContain("AGNES_SERVER='http://127.0.0.1:1'");
    const unreachable = await runScript(dead.stdout, { home, path: BASE_PATH });
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.stderr).toContain("cannot reach the Agnes server at http://127.0.0.1:1");
    expect(existsSync(join(home, ".local"))).toBe(false);
  });

  test("a crafted Host header against the running server gets 400, not a script, and the server keeps serving", async () => {
    // Its own server: if a crafted request brought the process down, the other tests should not go with it.
    const own = await startServer({ env: { CLI_DIST_DIR: newer.dir } });
    try {
      for (const host of ["evil$(id)", "evil`id`", "evil'x", 'evil"x', "evil;id", "evil|id", "evil&id", "evil\\x"]) {
        for (const path of ["/cli/install.sh", "/cli/install.ps1", "/cli/manifest.json", "/install"]) {
          const res = await run(["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "-H", `Host: ${host}`, `${own.url}${path}`], {
            PATH: BASE_PATH,
            HOME: "/tmp",
          });
          expect(`${host} ${path}: ${res.stdout.trim().split("\n").at(-1)}`).toBe(`${host} ${path}: 400`);
          expect(res.stdout).not.toContain("#!/bin/sh");
          expect(res.stdout).not.toContain("$AgnesServer = '");
        }
      }
      const health = await fetch(`${own.url}/health`);
      expect(health.status).toBe(200);
    } finally {
      await own.stop();
    }
  });
});

describe("platform detection (uname/sysctl/ldd stubs, --print-target)", () => {
  const cpuinfo = (flags: string) => {
    const file = join(distTempDir("agnes-cpuinfo-"), "cpuinfo");
    writeFileSync(file, `processor\t: 0\nflags\t\t: fpu sse sse2 ${flags}\n`);
    return file;
  };
  const withAvx2 = () => cpuinfo("avx avx2 bmi2");
  const uname = (os: string, machine: string) => `case "$1" in -m) echo '${machine}' ;; *) echo '${os}' ;; esac`;
  const MUSL_LDD = 'echo "musl libc (x86_64)" >&2; exit 1';

  async function printTarget(server: RunningServer, stubs: Record<string, string>, env: Record<string, string> = {}) {
    const home = tempHome();
    const result = await pipeInstaller(server.url, {
      home,
      args: ["--print-target"],
      pathPrefix: [stubDir(stubs)],
      env: { DA_INSTALL_CPUINFO: withAvx2(), ...env },
    });
    expect(existsSync(join(home, ".local"))).toBe(false); // print-only changes nothing
    expect(existsSync(join(home, ".config"))).toBe(false);
    return result;
  }

  test("maps macOS, Rosetta, Linux arm64, musl and no-AVX2 CPUs to their builds", async () => {
    const cases: [string, Record<string, string>, Record<string, string>, string][] = [
      ["Darwin arm64", { uname: uname("Darwin", "arm64") }, {}, "darwin-arm64"],
      ["Darwin x86_64", { uname: uname("Darwin", "x86_64"), sysctl: "echo 0" }, {}, "darwin-x64"],
      ["Darwin x86_64 without sysctl answer", { uname: uname("Darwin", "x86_64"), sysctl: "exit 1" }, {}, "darwin-x64"],
      [
        "Darwin x86_64 under Rosetta",
        { uname: uname("Darwin", "x86_64"), sysctl: 'if [ "$2" = sysctl.proc_translated ]; then echo 1; fi' },
        {},
        "darwin-arm64",
      ],
      ["Linux x86_64", { uname: uname("Linux", "x86_64") }, {}, "linux-x64"],
      ["Linux amd64", { uname: uname("Linux", "amd64") }, {}, "linux-x64"],
      ["Linux aarch64", { uname: uname("Linux", "aarch64") }, {}, "linux-arm64"],
      ["Linux x86_64 musl", { uname: uname("Linux", "x86_64"), ldd: MUSL_LDD }, {}, "linux-x64-musl"],
      ["Linux aarch64 musl", { uname: uname("Linux", "aarch64"), ldd: MUSL_LDD }, {}, "linux-arm64-musl"],
      ["Linux x86_64 without AVX2", { uname: uname("Linux", "x86_64") }, { DA_INSTALL_CPUINFO: cpuinfo("avx sse4_2") }, "linux-x64-baseline"],
      ["Linux x86_64, forced", { uname: uname("Linux", "x86_64") }, { DA_INSTALL_TARGET: "linux-x64-musl" }, "linux-x64-musl"],
    ];
    for (const [name, stubs, env, expected] of cases) {
      const result = await printTarget(main, stubs, env);
      expect(`${name}: ${result.stdout.trim()} ${result.code}`).toBe(`${name}: ${expected} 0`);
    }
    const viaEnv = await printTarget(main, { uname: uname("Darwin", "arm64") }, { DA_INSTALL_PRINT_TARGET: "1" });
    expect(viaEnv.stdout.trim()).toBe("darwin-arm64");
  });

  test("musl or no-AVX2 falls back to the plain build, with a warning, when the server has no such build", async () => {
    const musl = await printTarget(plainOnly, { uname: uname("Linux", "x86_64"), ldd: MUSL_LDD });
    expect(musl.code).toBe(0);
    expect(musl.stdout.trim()).toBe("linux-x64");
    expect(musl.stderr).toContain("musl");
    const old = await printTarget(plainOnly, { uname: uname("Linux", "x86_64") }, { DA_INSTALL_CPUINFO: cpuinfo("sse4_2") });
    expect(old.stdout.trim()).toBe("linux-x64");
    expect(old.stderr).toContain("AVX2");
  });

  test("an unsupported OS or CPU, a platform the server did not build, or Windows' sh: clear error, non-zero", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ uname: uname("FreeBSD", "amd64") }, "unsupported operating system: FreeBSD"],
      [{ uname: uname("SunOS", "i86pc") }, "unsupported operating system: SunOS"],
      [{ uname: uname("Linux", "mips64") }, "unsupported CPU architecture: mips64"],
      [{ uname: uname("Linux", "armv7l") }, "unsupported CPU architecture: armv7l"],
      [{ uname: uname("MINGW64_NT-10.0", "x86_64") }, "install.ps1"],
    ];
    for (const [stubs, message] of cases) {
      const result = await printTarget(main, stubs);
      expect(result.code).not.toBe(0);
      expect(result.stdout.trim()).toBe("");
      expect(result.stderr).toContain(message);
    }
    const notBuilt = await printTarget(upgrade, { uname: uname("Darwin", "arm64") });
    expect(notBuilt.code).not.toBe(0);
    expect(notBuilt.stderr).toContain("no da build for darwin-arm64");
    expect(notBuilt.stderr).toContain("bun run build");

    const viaBash = await pipeInstaller(main.url, {
      home: tempHome(),
      args: ["--print-target"],
      pathPrefix: [stubDir({ uname: uname("FreeBSD", "amd64") })],
      shell: "bash",
    });
    expect(viaBash.code).not.toBe(0);
    expect(viaBash.stderr.trim()).toBe("error: unsupported operating system: FreeBSD (da is built for Linux, macOS and Windows)");

    const home = tempHome();
    const real = await pipeInstaller(main.url, { home, pathPrefix: [stubDir({ uname: uname("FreeBSD", "amd64") })] });
    expect(real.code).not.toBe(0);
    expect(existsSync(join(home, ".local/bin/da"))).toBe(false);
  });
});

describe("da update", () => {
  test("an older da replaces itself with the newer version the server offers", async () => {
    const home = tempHome();
    expect((await pipeInstaller(main.url, { home })).code).toBe(0);
    expect((await da(home, ["--version"])).stdout).toContain(hostVersion());

    const update = await da(home, ["update"], undefined, { DA_SERVER: upgrade.url });
    expect(update.stderr + update.stdout).not.toMatch(/^\s+at /m);
    expect(update.code).toBe(0);
    expect(update.stdout + update.stderr).toContain("9.9.9");
    const after = JSON.parse((await da(home, ["version", "--json"])).stdout) as { version: string; target: string };
    expect(after.version).toBe("9.9.9");
    expect(await sha256File(join(home, ".local/bin/da"))).toBe(newer.manifest.targets.find((t) => t.target === after.target)!.sha256);
  });
});
