// Issue 20, part 5, the installer's half: the served install.sh checks SHA256SUMS.minisig against the
// key baked into it (with minisign, else OpenSSL 3, else it says it cannot and relies on the SHA-256),
// refuses a release another key signed, a tampered SHA256SUMS or an unsigned one, and pins the key
// in ~/.config/da/config.yml beside `server:` without touching other settings. The "binaries" are
// copies of the test da (so they run); the servers are real.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, linkSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SecretKey } from "../../src/shared/minisign";
import { daBinary } from "../helpers/cli";
import { cleanupTempDirs, distTempDir, sha256File } from "../helpers/dist";
import { startServer, type RunningServer } from "../helpers/server";
import { otherSigningKey, signRelease, sumsFor, testPublicKey } from "../helpers/signing";
import { pipeInstaller, restrictedToolDir, SCRIPT_TOOLS, tempHome } from "./helpers";

const VERSION = "9.9.9";
const servers: RunningServer[] = [];

/** A dist of the test da as linux-x64 and its baseline twin, signed as asked. */
async function dist(sign: { key?: SecretKey | null; tamper?: boolean } = {}): Promise<string> {
  const dir = distTempDir("agnes-signed-dist-");
  const exe = await daBinary();
  const sha256 = await sha256File(exe);
  const targets = ["linux-x64", "linux-x64-baseline"].map((target) => {
    linkSync(exe, join(dir, `da-${target}`));
    return { target, os: "linux", arch: "x64", filename: `da-${target}`, size: Bun.file(exe).size, sha256 };
  });
  const sums = sumsFor(targets);
  const signature = sign.key === null ? undefined : signRelease(sums, VERSION, sign.key);
  const served = sign.tamper ? sums.replace(/^[0-9a-f]/, (c) => (c === "0" ? "1" : "0")) : sums;
  writeFileSync(
    join(dir, "manifest.json"),
    JSON.stringify({ version: VERSION, commit: "fixture", targets, ...(signature ? { sha256sums: served, signature } : {}) }),
  );
  return dir;
}

async function serve(dir: string): Promise<RunningServer> {
  const server = await startServer({ env: { CLI_DIST_DIR: dir } });
  servers.push(server);
  return server;
}

let good: RunningServer;
let otherKey: RunningServer;
let tampered: RunningServer;
let unsigned: RunningServer;
beforeAll(async () => {
  [good, otherKey, tampered, unsigned] = await Promise.all([
    dist().then(serve),
    dist({ key: otherSigningKey() }).then(serve),
    dist({ tamper: true }).then(serve),
    dist({ key: null }).then(serve),
  ]);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  cleanupTempDirs();
});

const BASE_TOOLS = [...SCRIPT_TOOLS, "curl", "od", "tail"];
const VERIFIERS = {
  minisign: [...BASE_TOOLS, "minisign", "openssl"],
  openssl: [...BASE_TOOLS, "openssl"],
  none: BASE_TOOLS,
} as const;

async function install(server: RunningServer, verifier: keyof typeof VERIFIERS, home = tempHome()) {
  const result = await pipeInstaller(server.url, { home, env: { PATH: restrictedToolDir([...VERIFIERS[verifier]]) } });
  return { ...result, home, installed: existsSync(join(home, ".local/bin/da")) };
}

describe("install.sh checks the release signature", () => {
  test("with minisign, and with openssl when minisign is missing: verified, installed, the key pinned", async () => {
    for (const verifier of ["minisign", "openssl"] as const) {
      const result = await install(good, verifier);
      expect(result.stderr).not.toContain("error:");
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`Signature verified with ${verifier}`);
      expect(result.stdout).toContain(`Installed da ${VERSION}`);
      expect(readFileSync(join(result.home, ".config/da/config.yml"), "utf8")).toBe(`server: ${good.url}\nsigning_key: ${testPublicKey()}\n`);
    }
  });

  test("with neither, it says it cannot check the signature and relies on the checksum", async () => {
    const result = await install(good, "none");
    expect(result.stderr).toContain("neither minisign nor OpenSSL 3 is installed, so the release signature cannot be checked here");
    expect(result.code).toBe(0);
    expect(result.installed).toBe(true);
  });

  test("a release another key signed, a tampered SHA256SUMS, or no signature: refused, nothing installed", async () => {
    const cases = [
      [otherKey, "does not verify with the server's signing key"],
      [tampered, "does not verify with the server's signing key"],
      [unsigned, "are not signed"],
    ] as const;
    for (const [server, says] of cases) {
      for (const verifier of ["minisign", "openssl"] as const) {
        const result = await install(server, verifier);
        expect(result.stderr).toContain(says);
        expect(result.code).toBe(1);
        expect(result.installed).toBe(false);
      }
    }
  });

  test("a refused release leaves an installed da as it was", async () => {
    const first = await install(good, "openssl");
    const bin = join(first.home, ".local/bin/da");
    writeFileSync(bin, "#!/bin/sh\necho da 0.0.1\n", { mode: 0o755 });
    const before = await sha256File(bin);
    const refused = await install(otherKey, "openssl", first.home);
    expect(refused.code).toBe(1);
    expect(await sha256File(bin)).toBe(before);
  });
});

describe("the pinned key in config.yml", () => {
  test("replaces an older signing_key line and keeps every other setting", async () => {
    const home = tempHome();
    mkdirSync(join(home, ".config/da"), { recursive: true });
    writeFileSync(join(home, ".config/da/config.yml"), "# mine\nsigning_key: RWOLDKEY\nserver: http://old.example\ncolor: never\n");
    expect((await install(good, "minisign", home)).code).toBe(0);
    expect(readFileSync(join(home, ".config/da/config.yml"), "utf8")).toBe(`# mine\nsigning_key: ${testPublicKey()}\nserver: ${good.url}\ncolor: never\n`);
  });
});
