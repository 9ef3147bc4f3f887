// Issue 20, part 5: `da update` installs only a release signed by the key it was built with (or a key
// that key rotated to), never an older one unless asked, and decides before it downloads anything: a
// forged release is refused with one line, exit 1, the installed da byte-identical and never replaced
// by, or made to run, what the server sent. The compiled da runs against a stand-in server.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Manifest } from "../../src/shared/contract";
import { binaryFilename } from "../../src/shared/targets";
import { formatPublicKey, keyIdHex, publicKeyBase64, publicKeyOf, signDetached, type SecretKey } from "../../src/shared/minisign";
import { rotationComment, type ChainLink } from "../../src/shared/release-signing";
import { compileDa } from "../../scripts/build-cli";
import { cleanupSandboxes, daBinary, hasStackTrace, sandbox } from "../helpers/cli";
import { otherSigningKey, signRelease, sumsFor, testSigningKey } from "../helpers/signing";

const CLI_VERSION: string = JSON.parse(readFileSync(join(import.meta.dir, "../../package.json"), "utf8")).version;
let HOST_TARGET = "";
let binary: Uint8Array; // a copy of the test da: a real program, so an accepted update works
const dirs: string[] = [];

beforeAll(async () => {
  const exe = await daBinary();
  binary = new Uint8Array(readFileSync(exe));
  HOST_TARGET = JSON.parse(Bun.spawnSync([exe, "version", "--json"], { env: { PATH: "/usr/bin:/bin", HOME: tmpdir() } }).stdout.toString()).target;
});
afterAll(() => {
  cleanupSandboxes();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Release = { version?: string; key?: SecretKey | null; sums?: (real: string) => string; signedVersion?: string; chain?: ChainLink[] };

/** A server offering `binary` as a release; counts how often the binary itself was asked for. */
function releaseServer(release: Release) {
  const version = release.version ?? "9.9.9";
  const sha256 = new Bun.CryptoHasher("sha256").update(binary).digest("hex");
  const [os, arch] = HOST_TARGET.split("-") as ["linux", "x64"];
  const filename = binaryFilename(HOST_TARGET);
  const signedSums = sumsFor([{ sha256, filename }]);
  const manifest: Manifest = {
    version,
    commit: "abcdef123456",
    targets: [{ target: HOST_TARGET, os, arch, filename, size: binary.length, sha256, url: `/cli/download/${HOST_TARGET}` }],
  };
  if (release.key !== null) {
    manifest.signature = signRelease(signedSums, release.signedVersion ?? version, release.key ?? testSigningKey());
    manifest.sha256sums = release.sums ? release.sums(signedSums) : signedSums;
  }
  let downloads = 0;
  const http = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const path = new URL(request.url).pathname;
      if (path === "/cli/manifest.json") return Response.json(manifest);
      if (path === "/cli/signing-key.chain" && release.chain) return Response.json(release.chain);
      if (path === `/cli/download/${HOST_TARGET}`) {
        downloads++;
        return new Response(new Blob([binary as Uint8Array<ArrayBuffer>]));
      }
      return Response.json({ detail: "Not found" }, { status: 404 });
    },
  });
  return { url: `http://127.0.0.1:${http.port}`, downloads: () => downloads, stop: () => http.stop(true) };
}

/** A link of a rotation chain: `next`'s public key signed by `by`. */
function link(by: SecretKey, next: SecretKey): ChainLink {
  const publicKey = publicKeyBase64(publicKeyOf(next));
  return { public_key: publicKey, signature: signDetached(by, Buffer.from(publicKey), rotationComment(publicKeyOf(next))) };
}

async function installed(from?: string): Promise<{ dir: string; exe: string }> {
  const dir = mkdtempSync(join(tmpdir(), "da-signed-"));
  dirs.push(dir);
  const exe = join(dir, "da");
  copyFileSync(from ?? (await daBinary()), exe);
  return { dir, exe };
}

async function update(release: Release, args: string[] = [], from?: string) {
  const server = releaseServer(release);
  const { dir, exe } = await installed(from);
  const before = readFileSync(exe);
  try {
    const proc = Bun.spawn([exe, "update", ...args], {
      env: { PATH: "/usr/bin:/bin", ...sandbox().env, DA_SERVER: server.url },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr, dir, exe, before, downloads: server.downloads(), unchanged: readFileSync(exe).equals(before) };
  } finally {
    await server.stop();
  }
}

/** Refused: one line, exit 1, nothing downloaded, the installed da byte-identical and alone in its directory. */
function expectRefused(result: Awaited<ReturnType<typeof update>>, says: string): void {
  const lines = result.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toStartWith("error: ");
  expect(lines[0]).toContain(says);
  expect(lines[0]).toContain("the installed da is unchanged");
  expect(hasStackTrace(result.stderr)).toBe(false);
  expect(result.code).toBe(1);
  expect(result.downloads).toBe(0);
  expect(result.unchanged).toBe(true);
  expect(readdirSync(result.dir)).toEqual(["da"]);
}

describe("a release da does not trust is refused before anything is downloaded", () => {
  test("signed by another key", async () => {
    const other = otherSigningKey();
    const result = await update({ key: other });
    expectRefused(result, `signed by key ${keyIdHex(other.keyId)}, which this da does not trust`);
  });

  test("an unsigned server", async () => {
    expectRefused(await update({ key: null }), "offers da 9.9.9 unsigned");
  });

  test("a tampered SHA256SUMS (another binary's checksum under a valid signature)", async () => {
    const result = await update({ sums: (real) => real.replace(/^[0-9a-f]{64}/, "a".repeat(64)) });
    expectRefused(result, "the signature does not match the file");
  });

  test("an old signed release passed off as a new one (the signed version is what counts)", async () => {
    expectRefused(await update({ version: "9.9.9", signedVersion: "0.0.1" }), "calls its da 9.9.9 but the signed release is da 0.0.1");
  });
});

describe("versions", () => {
  test("an older version is refused; --allow-downgrade installs it (still verified)", async () => {
    expectRefused(await update({ version: "0.0.1" }), `0.0.1 is older than this da (${CLI_VERSION}); not downgrading without --allow-downgrade`);
    const allowed = await update({ version: "0.0.1" }, ["--allow-downgrade"]);
    expect(allowed.stderr).toContain(`Updated da ${CLI_VERSION} → 0.0.1`);
    expect(allowed.code).toBe(0);
    expect(allowed.downloads).toBe(1);
    expect(readdirSync(allowed.dir).sort()).toEqual(["da", "da.previous"]);
    expectRefused(await update({ version: "0.0.1", key: otherSigningKey() }, ["--allow-downgrade"]), "does not trust");
  });
});

describe("key rotation", () => {
  test("a release signed by a new key is accepted through a chain from the baked key (two steps)", async () => {
    const middle = otherSigningKey();
    const newest = otherSigningKey();
    const result = await update({ key: newest, chain: [link(testSigningKey(), middle), link(middle, newest)] });
    expect(result.stderr).toContain(`Updated da ${CLI_VERSION} → 9.9.9`);
    expect(result.code).toBe(0);
    expect(result.downloads).toBe(1);
  });

  test("without a chain, or with one the baked key did not sign, it is refused", async () => {
    const next = otherSigningKey();
    expectRefused(await update({ key: next }), "does not trust");
    const forger = otherSigningKey();
    expectRefused(await update({ key: next, chain: [link(forger, next)] }), `signed by key ${keyIdHex(next.keyId)}, which this da does not trust`);
    // A link whose key was swapped after signing does not verify either.
    const swapped = { ...link(testSigningKey(), otherSigningKey()), public_key: publicKeyBase64(publicKeyOf(next)) };
    expectRefused(await update({ key: next, chain: [swapped] }), "does not trust");
    expect(formatPublicKey(publicKeyOf(next))).toContain(keyIdHex(next.keyId));
  });
});

describe("a da built without a key (a dev build)", () => {
  test("says it cannot verify and refuses, before asking the server", async () => {
    const dir = mkdtempSync(join(tmpdir(), "da-dev-build-"));
    dirs.push(dir);
    await compileDa({ outfile: join(dir, "da") });
    const result = await update({}, [], join(dir, "da"));
    expect(result.stderr).toContain("this da was built without a release signing key (a dev build), so it cannot verify an update");
    expect(result.code).toBe(1);
    expect(result.downloads).toBe(0);
    expect(result.unchanged).toBe(true);
  });
});
