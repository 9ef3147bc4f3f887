// build.ts end to end: every platform's `da`, with a manifest and SHA256SUMS that match the files
// byte for byte, and headers that say each binary is for the platform it claims.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI_TARGETS } from "../../src/shared/contract";
import { TARGET_NAMES } from "../../src/shared/targets";
import { cleanupTempDirs, buildAllTargets, buildDist, distTempDir, runBuild, sha256File } from "../helpers/dist";
import { TEST_SIGNING_KEY_FILE, testPublicKey } from "../helpers/signing";

afterAll(cleanupTempDirs);

const REQUIRED = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "windows-x64"];

/** What the file's header says it is: format + CPU. */
function identify(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) {
    const elfClass = bytes[4] === 2 ? "64" : "32";
    const machine = view.getUint16(18, true); // e_machine, little-endian ELF
    return `elf${elfClass}-${machine === 0x3e ? "x64" : machine === 0xb7 ? "arm64" : machine.toString(16)}`;
  }
  if (view.getUint32(0, true) === 0xfeedfacf) {
    const cpu = view.getUint32(4, true);
    return `macho64-${cpu === 0x01000007 ? "x64" : cpu === 0x0100000c ? "arm64" : cpu.toString(16)}`;
  }
  if (bytes[0] === 0x4d && bytes[1] === 0x5a) {
    const peOffset = view.getUint32(0x3c, true);
    const signature = view.getUint32(peOffset, true); // "PE\0\0"
    if (signature !== 0x00004550) return "mz-without-pe";
    const machine = view.getUint16(peOffset + 4, true);
    return `pe-${machine === 0x8664 ? "x64" : machine === 0xaa64 ? "arm64" : machine.toString(16)}`;
  }
  return "unknown";
}

const EXPECTED_HEADER: Record<string, string> = {
  "linux-x64": "elf64-x64",
  "linux-x64-musl": "elf64-x64",
  "linux-x64-baseline": "elf64-x64",
  "linux-arm64": "elf64-arm64",
  "linux-arm64-musl": "elf64-arm64",
  "darwin-x64": "macho64-x64",
  "darwin-arm64": "macho64-arm64",
  "windows-x64": "pe-x64",
};

/** The ELF program interpreter (PT_INTERP), which tells glibc and musl builds apart. */
function elfInterpreter(bytes: Uint8Array): string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const phoff = Number(view.getBigUint64(32, true));
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (view.getUint32(at, true) === 3) {
      const offset = Number(view.getBigUint64(at + 8, true));
      const size = Number(view.getBigUint64(at + 32, true));
      return new TextDecoder().decode(bytes.subarray(offset, offset + size)).replace(/\0+$/, "");
    }
  }
  return null;
}

describe("build.ts: every target", () => {
  test("builds every required platform plus musl and baseline, matching the contract's target list", async () => {
    const { manifest } = await buildAllTargets();
    const built = manifest.targets.map((t) => t.target);
    for (const name of REQUIRED) expect(built).toContain(name);
    expect(built).toContain("linux-x64-musl");
    expect(built).toContain("linux-x64-baseline");
    expect([...built].sort()).toEqual([...TARGET_NAMES].sort());
    expect([...TARGET_NAMES].sort()).toEqual([...CLI_TARGETS].sort());
    expect(manifest.version).toBe((await Bun.file(join(import.meta.dir, "../../package.json")).json()).version);
    expect(manifest.commit).toMatch(/^[0-9A-Za-z._-]+$/);
  });

  test("manifest size and sha256 match each file, and SHA256SUMS lists the same", async () => {
    const { dir, manifest } = await buildAllTargets();
    const sums = readFileSync(join(dir, "SHA256SUMS"), "utf8");
    expect(manifest.targets).toHaveLength(TARGET_NAMES.length);
    for (const t of manifest.targets) {
      const path = join(dir, t.filename);
      expect(t.filename).toBe(t.target.startsWith("windows") ? `da-${t.target}.exe` : `da-${t.target}`);
      expect(Bun.file(path).size).toBe(t.size);
      expect(t.size).toBeGreaterThan(10_000_000);
      expect(await sha256File(path)).toBe(t.sha256);
      expect(sums).toContain(`${t.sha256}  ${t.filename}\n`);
      expect(existsSync(`${path}.gz`)).toBe(true);
      expect(Bun.file(`${path}.gz`).size).toBeLessThan(t.size);
    }
    expect(sums.trim().split("\n")).toHaveLength(manifest.targets.length);
  });

  test("each binary's header names its platform and CPU (ELF e_machine, Mach-O cputype, PE machine)", async () => {
    const { dir, manifest } = await buildAllTargets();
    expect(manifest.targets).toHaveLength(TARGET_NAMES.length);
    for (const t of manifest.targets) {
      const bytes = await Bun.file(join(dir, t.filename))
        .slice(0, 64 * 1024)
        .bytes(); // headers only
      expect(`${t.target}: ${identify(bytes)}`).toBe(`${t.target}: ${EXPECTED_HEADER[t.target]}`);
      expect(t.os).toBe(t.target.split("-")[0]!);
      expect(t.arch).toBe(t.target.split("-")[1]!);
      if (t.os === "linux") {
        const interpreter = elfInterpreter(bytes);
        if (t.target.endsWith("-musl")) expect(interpreter).toMatch(/ld-musl-/);
        else expect(interpreter).toMatch(/ld-linux-/);
      }
    }
  });

  test("the .gz copy decompresses to the exact binary", async () => {
    const { dir, manifest } = await buildAllTargets();
    for (const name of ["linux-x64", "windows-x64"]) {
      const t = manifest.targets.find((x) => x.target === name)!;
      const raw = Bun.gunzipSync(await Bun.file(join(dir, `${t.filename}.gz`)).bytes());
      expect(new Bun.CryptoHasher("sha256").update(raw).digest("hex")).toBe(t.sha256);
    }
  });

  test("SHA256SUMS is signed with DA_SIGNING_KEY: minisign verifies it, the manifest carries the same pair, every binary the public key", async () => {
    const { dir, manifest } = await buildAllTargets();
    const sums = readFileSync(join(dir, "SHA256SUMS"), "utf8");
    const signature = readFileSync(join(dir, "SHA256SUMS.minisig"), "utf8");
    expect(manifest.sha256sums).toBe(sums);
    expect(manifest.signature).toBe(signature);
    const checked = Bun.spawnSync(["minisign", "-V", "-P", testPublicKey(), "-m", join(dir, "SHA256SUMS")], { stdout: "pipe", stderr: "pipe" });
    expect(checked.stdout.toString()).toContain(`version:${manifest.version}\tcommit:${manifest.commit}`);
    expect(checked.exitCode).toBe(0);
    for (const t of manifest.targets) expect(readFileSync(join(dir, t.filename)).includes(testPublicKey())).toBe(true);
  });

  test("the host binary runs and reports the version baked in", async () => {
    const { dir, manifest } = await buildAllTargets();
    const proc = Bun.spawnSync([join(dir, "da-linux-x64"), "--version"], { env: { PATH: "/usr/bin:/bin", HOME: dir } });
    expect(proc.exitCode).toBe(0);
    expect(proc.stdout.toString()).toContain(manifest.version);
  });
});

describe("build.ts: options and failures", () => {
  test("--targets and DA_VERSION build a fixture of another version, without gzip when asked", async () => {
    const { dir, manifest, output } = await buildDist({ targets: ["linux-x64"], version: "9.9.9", gzip: false });
    expect(manifest.version).toBe("9.9.9");
    expect(manifest.targets.map((t) => t.target)).toEqual(["linux-x64"]);
    expect(existsSync(join(dir, "da-linux-x64.gz"))).toBe(false);
    expect(output).toContain("linux-x64");
    const proc = Bun.spawnSync([join(dir, "da-linux-x64"), "--version"], { env: { PATH: "/usr/bin:/bin", HOME: dir } });
    expect(proc.stdout.toString()).toContain("9.9.9");
  });

  test("an unknown target fails loudly with exit 2 and names the known ones", async () => {
    const result = await runBuild(["--targets", "linux-x64,plan9-mips", "--out", "/nonexistent/never-created"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("plan9-mips");
    expect(result.stderr).toContain("darwin-arm64");
    expect(existsSync("/nonexistent/never-created")).toBe(false);
  });

  test("a signing key others can read, or one that is not a key, stops the build before it starts (exit 2)", async () => {
    const keyDir = distTempDir("agnes-key-");
    const key = join(keyDir, "da-signing-key");
    writeFileSync(key, readFileSync(TEST_SIGNING_KEY_FILE), { mode: 0o644 });
    chmodSync(key, 0o644);
    const shared = await runBuild(["--targets", "linux-x64", "--out", join(keyDir, "out")], { DA_SIGNING_KEY: key });
    expect(shared.exitCode).toBe(2);
    expect(shared.stderr).toContain(`DA_SIGNING_KEY: ${key} can be read by other users (mode 0644); make it private: chmod 600 ${key}`);
    writeFileSync(key, "untrusted comment: x\nnot base64!\n", { mode: 0o600 });
    chmodSync(key, 0o600);
    const garbage = await runBuild(["--targets", "linux-x64", "--out", join(keyDir, "out")], { DA_SIGNING_KEY: key });
    expect(garbage.exitCode).toBe(2);
    expect(garbage.stderr).toContain(`DA_SIGNING_KEY: ${key}: the secret key is not base64`);
    expect(existsSync(join(keyDir, "out"))).toBe(false);
  });

  test("a version that is not a plain version string is refused", async () => {
    const result = await runBuild(["--targets", "linux-x64", "--out", "/nonexistent/never-created"], { DA_VERSION: "1.0'; rm -rf /" });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("version");
  });
});
