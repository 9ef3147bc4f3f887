// One table of targets (src/shared/targets.ts) and three readers that cannot all
// import it: install.sh, the server, and `da` itself. install.sh is held to the table two ways:
// its uname mapping is parsed and compared, and the served script is run (`--print-target`, with
// uname/ldd stubs and a fake /proc/cpuinfo) for every kind of machine against every kind of build,
// and must choose what chooseTarget() chooses.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { testPublicKey } from "../helpers/signing";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Installers } from "../../src/modules/distribution/installer";
import { matchTarget } from "../../src/modules/distribution/service";
import { chooseTarget, TARGET_NAMES, TARGETS, UNAME_ARCH, UNAME_OS, updateTargets, type Host } from "../../src/shared/targets";
import { cleanupTempDirs, distTempDir } from "../helpers/dist";
import { BASE_PATH, run, stubDir } from "../install/helpers";

const INSTALL_SH = readFileSync(join(import.meta.dir, "../../installers/install.sh"), "utf8");

/** The `pattern | pattern) … word …` arms of the `case` that starts with `header`, as pattern → value. */
function caseArms(header: string, value: RegExp): Record<string, string> {
  const start = INSTALL_SH.indexOf(header);
  expect(start).toBeGreaterThan(-1);
  const block = INSTALL_SH.slice(start, INSTALL_SH.indexOf("esac", start));
  const arms: Record<string, string> = {};
  for (const line of block.split("\n").slice(1)) {
    const arm = /^\s*([^()#]+)\)\s*(.*)$/.exec(line);
    const result = arm && value.exec(arm[2]!);
    if (!arm || !result) continue;
    for (const pattern of arm[1]!.split("|")) arms[pattern.trim()] = result[1]!;
  }
  expect(Object.keys(arms).length).toBeGreaterThan(0);
  return arms;
}

describe("install.sh's uname mapping is the table's", () => {
  test("uname -s → os", () => {
    expect(caseArms('case "$(uname -s)" in', /^echo (\w+)/)).toEqual({ ...UNAME_OS });
  });

  test("uname -m → arch (no 32-bit ARM spellings such as armv8l)", () => {
    expect(caseArms('case "$(uname -m)" in', /^arch=(\w+)/)).toEqual({ ...UNAME_ARCH });
  });
});

// A stand-in server: /set-<n>/cli/manifest.json lists BUILT_SETS[n] (install.sh only reads the manifest).
const BUILT_SETS: string[][] = [
  [...TARGET_NAMES],
  ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"],
  ["linux-x64-baseline"],
  ["linux-x64-musl", "linux-arm64-musl"],
  ["linux-x64-musl", "linux-x64-baseline"],
  ["linux-x64", "linux-x64-baseline"],
  [],
];

let server: ReturnType<typeof Bun.serve>;
beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const match = /^\/set-(\d+)\/cli\/manifest\.json$/.exec(new URL(request.url).pathname);
      const built = match ? BUILT_SETS[Number(match[1])] : undefined;
      if (!built) return Response.json({ detail: "Not found" }, { status: 404 });
      const targets = built.map((name) => {
        const info = TARGETS.find((x) => x.target === name)!;
        return { target: name, os: info.os, arch: info.arch, filename: `da-${name}`, size: 1, sha256: "0".repeat(64), url: `/cli/download/${name}` };
      });
      return Response.json({ version: "1.2.3", commit: "fixture", targets });
    },
  });
});
afterAll(async () => {
  await server.stop(true);
  cleanupTempDirs();
});

const UNAME_SPELLING = { linux: "Linux", darwin: "Darwin", x64: "x86_64", arm64: "aarch64" } as const;

async function printTarget(set: number, host: Host, machine?: string) {
  const dir = distTempDir("agnes-sync-");
  const script = join(dir, "install.sh");
  writeFileSync(script, new Installers().render("sh", `http://127.0.0.1:${server.port}/set-${set}`, testPublicKey()));
  const cpuinfo = join(dir, "cpuinfo");
  writeFileSync(cpuinfo, `flags\t\t: fpu sse sse2 ${host.avx2 ? "avx avx2" : "sse4_2"}\n`);
  const stubs = stubDir({
    uname: `case "$1" in -m) echo '${machine ?? UNAME_SPELLING[host.arch]}' ;; *) echo '${UNAME_SPELLING[host.os as "linux" | "darwin"]}' ;; esac`,
    ldd: host.musl ? 'echo "musl libc (x86_64)" >&2; exit 1' : 'echo "ldd (GNU libc) 2.36"',
    sysctl: "exit 1",
  });
  return run(["/bin/sh", script, "--print-target"], { HOME: dir, PATH: `${stubs}:${BASE_PATH}`, DA_INSTALL_CPUINFO: cpuinfo });
}

describe("install.sh chooses what chooseTarget chooses", () => {
  test("every kind of Linux and macOS machine against every kind of build", async () => {
    const hosts: Host[] = [];
    for (const os of ["linux", "darwin"] as const) {
      for (const arch of ["x64", "arm64"] as const) {
        for (const musl of os === "linux" ? [false, true] : [false]) {
          for (const avx2 of arch === "x64" ? [true, false] : [true]) hosts.push({ os, arch, musl, avx2 });
        }
      }
    }
    expect(hosts).toHaveLength(9);
    const jobs = BUILT_SETS.flatMap((built, set) => hosts.map((host) => ({ built, set, host })));
    const results = await Promise.all(jobs.map(({ set, host }) => printTarget(set, host)));
    jobs.forEach(({ built, host }, i) => {
      const result = results[i]!;
      const expected = chooseTarget(host, built);
      const name = `${JSON.stringify(host)} with [${built.join(",")}]`;
      const said = result.code === 0 ? result.stdout.trim() : `fails: ${result.stderr.includes(`no da build for ${expected.wanted}`)}`;
      expect(`${name} → ${said}`).toBe(`${name} → ${expected.target ?? "fails: true"}`);
      const warned = result.stderr.includes("musl libc") ? "musl" : result.stderr.includes("lacks AVX2") ? "avx2" : null;
      expect(`${name} gave up ${warned}`).toBe(`${name} gave up ${expected.target ? expected.gaveUp : warned}`);
    });
  });

  test("every uname -m spelling in the table is understood; 32-bit ARM is refused by name", async () => {
    expect(Object.keys(UNAME_ARCH).length).toBeGreaterThan(0);
    for (const [machine, arch] of Object.entries(UNAME_ARCH)) {
      const result = await printTarget(0, { os: "linux", arch, musl: false, avx2: true }, machine);
      expect(`${machine}: ${result.stdout.trim()}`).toBe(`${machine}: linux-${arch}`);
    }
    for (const machine of ["armv8l", "armv7l"]) {
      const result = await printTarget(0, { os: "linux", arch: "arm64", musl: false, avx2: true }, machine);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`unsupported CPU architecture: ${machine}`);
    }
  });
});

describe("the server and da update read the same table", () => {
  test("/cli/download?os=&arch=&libc= answers chooseTarget's choice (AVX2 unknown: assumed)", () => {
    const kinds = TARGETS.filter((x) => x.os !== "windows" && !x.baseline);
    expect(kinds.length).toBeGreaterThan(0);
    for (const built of BUILT_SETS) {
      for (const info of kinds) {
        const host: Host = { os: info.os, arch: info.arch, musl: info.libc === "musl", avx2: true };
        const expected = chooseTarget(host, built).target;
        const query = { os: info.os, arch: info.arch, libc: info.libc ?? undefined };
        const got = (() => {
          try {
            return matchTarget(query, built);
          } catch {
            return null;
          }
        })();
        expect(`${JSON.stringify(query)} [${built.join(",")}] → ${got}`).toBe(`${JSON.stringify(query)} [${built.join(",")}] → ${expected}`);
      }
    }
  });

  test("an update replaces like with like: baseline stays baseline, musl stays musl", () => {
    expect(updateTargets("linux-x64-baseline")).toEqual(["linux-x64-baseline"]);
    expect(updateTargets("linux-x64-musl")).toEqual(["linux-x64-musl"]);
    expect(updateTargets("linux-arm64-musl")).toEqual(["linux-arm64-musl"]);
    expect(updateTargets("linux-x64")).toEqual(["linux-x64", "linux-x64-baseline"]);
    expect(updateTargets("darwin-arm64")).toEqual(["darwin-arm64"]);
    expect(updateTargets("plan9-mips")).toEqual([]);
    expect(TARGET_NAMES.length).toBeGreaterThan(0);
    for (const name of TARGET_NAMES) {
      const self = TARGETS.find((x) => x.target === name)!;
      const candidates = updateTargets(name);
      expect(candidates.length).toBeGreaterThan(0);
      for (const other of candidates.map((n) => TARGETS.find((x) => x.target === n)!)) {
        // never another OS, CPU or libc, and never from baseline to a build that needs AVX2
        expect([other.os, other.arch, other.libc]).toEqual([self.os, self.arch, self.libc]);
        if (self.baseline) expect(other.baseline).toBe(true);
      }
    }
  });
});
