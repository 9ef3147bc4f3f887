// `da version` and `da update`. The version checks run against the real server and against a
// small stand-in serving other versions; `update` runs on a copy of the binary in a temp dir.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Manifest } from "../../src/shared/contract";
import type { RunningServer } from "../helpers/server";
import { cleanupSandboxes, daBinary, hasStackTrace, runDa, sandbox } from "../helpers/cli";
import { startAgnes } from "./fixtures";
import { binaryFilename } from "../../src/shared/targets";
import { signRelease, sumsFor, testSigningKey } from "../helpers/signing";
import { keyIdHex } from "../../src/shared/minisign";

const CLI_VERSION: string = JSON.parse(readFileSync(join(import.meta.dir, "../../package.json"), "utf8")).version;
// The build the test binary was compiled as (baked in; da update asks the server for exactly this one).
let HOST_TARGET = "";

let server: RunningServer;
beforeAll(async () => {
  [server] = await Promise.all([startAgnes(), daBinary()]);
  HOST_TARGET = JSON.parse((await runDa(["version", "--json"])).stdout).target;
});
afterAll(async () => {
  cleanupSandboxes();
  await server?.stop();
});

type Fake = { url: string; stop: () => Promise<void> };

/** Stands in for a server running another release: its version, manifest and one binary. */
function fakeServer(opts: { version: string; manifest?: Manifest | null; binary?: Uint8Array }): Fake {
  const http = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const path = new URL(request.url).pathname;
      if (path === "/api/version") return Response.json({ version: opts.version, commit: "abcdef123456" });
      if (path === "/cli/manifest.json" && opts.manifest) return Response.json(opts.manifest);
      if (path === `/cli/download/${HOST_TARGET}` && opts.binary) return new Response(new Blob([opts.binary as Uint8Array<ArrayBuffer>]));
      return Response.json({ detail: "Not found" }, { status: 404 });
    },
  });
  return { url: `http://127.0.0.1:${http.port}`, stop: () => http.stop(true) };
}

/** A manifest for one binary, its SHA256SUMS signed with the test key as build.ts signs. */
function manifestFor(version: string, binary: Uint8Array, sha256?: string): Manifest {
  const digest = sha256 ?? new Bun.CryptoHasher("sha256").update(binary).digest("hex");
  const [os, arch] = HOST_TARGET.split("-") as ["linux", "x64"]; // the first two parts of every target name
  const filename = binaryFilename(HOST_TARGET);
  const sums = sumsFor([{ sha256: digest, filename }]);
  return {
    version,
    commit: "abcdef123456",
    targets: [{ target: HOST_TARGET, os, arch, filename, size: binary.length, sha256: digest, url: `/cli/download/${HOST_TARGET}` }],
    sha256sums: sums,
    signature: signRelease(sums, version),
  };
}

/** A copy of da in its own directory, so `update` can replace it. */
async function installedCopy(): Promise<{ dir: string; exe: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "da-installed-"));
  const exe = join(dir, "da");
  copyFileSync(await daBinary(), exe);
  return { dir, exe, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function runInstalled(exe: string, args: string[], env: Record<string, string>) {
  const proc = Bun.spawn([exe, ...args], { env: { PATH: process.env.PATH!, ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

describe("da version", () => {
  test("shows the CLI's and the server's version; no warning when they match", async () => {
    const box = sandbox();
    const result = await runDa(["version"], { env: { ...box.env, DA_SERVER: server.url } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`da ${CLI_VERSION} (`);
    expect(result.stdout).toContain(`server ${CLI_VERSION}`);
    expect(result.stderr).not.toContain("warning");
    const json = await runDa(["version", "--json"], { env: { ...box.env, DA_SERVER: server.url } });
    expect(JSON.parse(json.stdout)).toMatchObject({ version: CLI_VERSION, target: HOST_TARGET, server_url: server.url, server: { version: CLI_VERSION } });
    expect(JSON.parse(json.stdout).signing_key).toBe(keyIdHex(testSigningKey().keyId));
    expect(HOST_TARGET).toMatch(/^linux-(x64|arm64)/);
  });

  test("warns when the server runs another version and a newer da is offered", async () => {
    const box = sandbox();
    const fake = fakeServer({ version: "9.9.9", manifest: manifestFor("9.9.9", new Uint8Array([1])) });
    try {
      const result = await runDa(["version"], { env: { ...box.env, DA_SERVER: fake.url } });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("server 9.9.9");
      expect(result.stderr).toContain(`warning: da ${CLI_VERSION} and the server's 9.9.9 differ`);
      expect(result.stderr).toContain("a newer da (9.9.9) is available: run `da update`");
      const json = await runDa(["version", "--json"], { env: { ...box.env, DA_SERVER: fake.url } });
      expect(JSON.parse(json.stdout)).toMatchObject({ server: { version: "9.9.9" }, available: "9.9.9" });
    } finally {
      await fake.stop();
    }
  });

  test("an older da on the server is not called newer", async () => {
    const box = sandbox();
    const fake = fakeServer({ version: "0.0.1", manifest: manifestFor("0.0.1", new Uint8Array([1])) });
    try {
      const result = await runDa(["version"], { env: { ...box.env, DA_SERVER: fake.url } });
      expect(result.code).toBe(0);
      expect(result.stderr).not.toContain("newer");
      expect(result.stderr).toContain("the server offers an older da (0.0.1); `da update --allow-downgrade` installs it");
    } finally {
      await fake.stop();
    }
  });
});

describe("da update", () => {
  test("says already up to date when the manifest has this version", async () => {
    const box = sandbox();
    const fake = fakeServer({ version: CLI_VERSION, manifest: manifestFor(CLI_VERSION, new Uint8Array([1])) });
    try {
      const result = await runDa(["update"], { env: { ...box.env, DA_SERVER: fake.url } });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("already up to date");
    } finally {
      await fake.stop();
    }
  });

  test("refuses a download whose checksum does not match and leaves the binary alone", async () => {
    const box = sandbox();
    const copy = await installedCopy();
    const before = readFileSync(copy.exe);
    const bogus = new TextEncoder().encode("#!/bin/sh\necho tampered\n");
    const fake = fakeServer({ version: "9.9.9", manifest: manifestFor("9.9.9", bogus, "0".repeat(64)), binary: bogus });
    try {
      const result = await runInstalled(copy.exe, ["update"], { ...box.env, DA_SERVER: fake.url });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("SHA-256 does not match");
      expect(hasStackTrace(result.stderr)).toBe(false);
      expect(readFileSync(copy.exe).equals(before)).toBe(true);
      expect(readdirSync(copy.dir)).toEqual(["da"]);
    } finally {
      await fake.stop();
      copy.cleanup();
    }
  });

  test("replaces itself with a verified download that runs, keeps the old one as da.previous, reports old → new", async () => {
    const box = sandbox();
    const copy = await installedCopy();
    const binary = new Uint8Array(readFileSync(copy.exe));
    const fake = fakeServer({ version: "9.9.9", manifest: manifestFor("9.9.9", binary), binary });
    try {
      const result = await runInstalled(copy.exe, ["update"], { ...box.env, DA_SERVER: fake.url });
      expect(result.stderr).toContain(`${CLI_VERSION} → 9.9.9`);
      expect(result.stderr).toContain(`kept as ${copy.exe}.previous`);
      expect(result.code).toBe(0);
      expect(readdirSync(copy.dir).sort()).toEqual(["da", "da.previous"]);
      expect(statSync(copy.exe).mode & 0o777).toBe(0o755);
      expect((await runInstalled(copy.exe, ["--version"], box.env)).code).toBe(0);
    } finally {
      await fake.stop();
      copy.cleanup();
    }
  });

  test("a server without binaries, or without this platform's, fails cleanly", async () => {
    const box = sandbox();
    const none = fakeServer({ version: "9.9.9", manifest: null });
    const other = fakeServer({
      version: "9.9.9",
      manifest: {
        version: "9.9.9",
        commit: "x",
        targets: [{ target: "plan9-mips", os: "linux", arch: "x64", filename: "da", size: 1, sha256: "0", url: "/x" }],
      },
    });
    try {
      const missing = await runDa(["update"], { env: { ...box.env, DA_SERVER: none.url } });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain("has no da binaries to offer");
      const unsupported = await runDa(["update"], { env: { ...box.env, DA_SERVER: other.url } });
      expect(unsupported.code).toBe(1);
      expect(unsupported.stderr).toContain(`offers no da for ${HOST_TARGET}`);
      expect(hasStackTrace(missing.stderr + unsupported.stderr)).toBe(false);
    } finally {
      await Promise.all([none.stop(), other.stop()]);
    }
  });

  test("a redirect to another host is reported as 'the server moved', not followed; same-host redirects are", async () => {
    const box = sandbox();
    const copy = await installedCopy();
    const before = readFileSync(copy.exe);
    const binary = new Uint8Array(before);
    const elsewhere = fakeServer({ version: "9.9.9", manifest: manifestFor("9.9.9", binary), binary });
    let hits = 0;
    const moving = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(request) {
        const path = new URL(request.url).pathname;
        hits++;
        if (path === "/cli/manifest.json") return Response.redirect("/v2/cli/manifest.json", 302);
        if (path === "/v2/cli/manifest.json") return Response.redirect(`${elsewhere.url}/cli/manifest.json`, 301);
        return Response.json({ detail: "Not found" }, { status: 404 });
      },
    });
    try {
      const result = await runInstalled(copy.exe, ["update"], { ...box.env, DA_SERVER: moving.url.origin });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`the server moved to ${elsewhere.url}`);
      expect(result.stderr).toContain(`da login --server ${elsewhere.url}`);
      expect(hits).toBe(2); // the same-host hop was followed, the other host never asked
      expect(hasStackTrace(result.stderr)).toBe(false);
      expect(readFileSync(copy.exe).equals(before)).toBe(true);
      expect(readdirSync(copy.dir)).toEqual(["da"]);
    } finally {
      await Promise.all([elsewhere.stop(), moving.stop(true)]);
      copy.cleanup();
    }
  });

  test("a download redirected to another host is refused the same way", async () => {
    const box = sandbox();
    const copy = await installedCopy();
    const before = readFileSync(copy.exe);
    const binary = new Uint8Array(before);
    const elsewhere = fakeServer({ version: "9.9.9", manifest: manifestFor("9.9.9", binary), binary });
    const moving = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(request) {
        const path = new URL(request.url).pathname;
        if (path === "/cli/manifest.json") return Response.json(manifestFor("9.9.9", binary));
        return Response.redirect(`${elsewhere.url}${path}`, 307);
      },
    });
    try {
      const result = await runInstalled(copy.exe, ["update"], { ...box.env, DA_SERVER: moving.url.origin });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`the server moved to ${elsewhere.url}`);
      expect(readFileSync(copy.exe).equals(before)).toBe(true);
      expect(readdirSync(copy.dir)).toEqual(["da"]);
    } finally {
      await Promise.all([elsewhere.stop(), moving.stop(true)]);
      copy.cleanup();
    }
  });
});
