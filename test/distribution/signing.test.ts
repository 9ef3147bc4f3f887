// The server's side of signed `da` releases: DA_SIGNING_KEY made once (0600) and refused when others
// can read it; the public key on /install and at /cli/signing-key.pub; SHA256SUMS and its signature
// served as one consistent pair; a build another key signed is rebuilt at start; and a key rotation
// (`bun run signing-key rotate`) that an installed `da` follows through the served chain.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config";
import { CliBuilder } from "../../src/modules/distribution/builder";
import { chainPath } from "../../src/config/signing-key";
import { TARGET_NAMES } from "../../src/shared/targets";
import { keyIdHex, parsePublicKey, parseSecretKey, publicKeyBase64, publicKeyOf, verifyDetached } from "../../src/shared/minisign";
import { VERSION } from "../../src/version";
import { createTestApp } from "../helpers/app";
import { daBinary } from "../helpers/cli";
import { cleanupTempDirs, distTempDir, fakeDist, sha256File } from "../helpers/dist";
import { startServer } from "../helpers/server";
import { otherSigningKey, signRelease, sumsFor, TEST_SIGNING_KEY_FILE, testPublicKey, testSigningKey } from "../helpers/signing";

afterAll(cleanupTempDirs);

describe("DA_SIGNING_KEY", () => {
  test("unset: made once in $DATA_DIR/state/da-signing-key, mode 0600, the same key on the next start", () => {
    const dataDir = distTempDir("agnes-data-");
    const first = loadConfig({ DATA_DIR: dataDir });
    const file = join(dataDir, "state", "da-signing-key");
    expect(first.daSigningKeyFile).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(keyIdHex(loadConfig({ DATA_DIR: dataDir }).daSigningKey.keyId)).toBe(keyIdHex(first.daSigningKey.keyId));
    expect(parseSecretKey(readFileSync(file, "utf8")).seed.equals(first.daSigningKey.seed)).toBe(true);
  });

  test("a key file others can read, or that is not a key, stops start-up naming DA_SIGNING_KEY", () => {
    const dataDir = distTempDir("agnes-data-");
    const file = join(dataDir, "key");
    writeFileSync(file, readFileSync(TEST_SIGNING_KEY_FILE));
    chmodSync(file, 0o640);
    expect(() => loadConfig({ DATA_DIR: dataDir, DA_SIGNING_KEY: file })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir, DA_SIGNING_KEY: file })).toThrow(/^DA_SIGNING_KEY: .* can be read by other users \(mode 0640\)/);
    chmodSync(file, 0o600);
    expect(keyIdHex(loadConfig({ DATA_DIR: dataDir, DA_SIGNING_KEY: file }).daSigningKey.keyId)).toBe(keyIdHex(testSigningKey().keyId));
    writeFileSync(file, "untrusted comment: minisign encrypted secret key\nRWQAAEIyAAAA\n");
    expect(() => loadConfig({ DATA_DIR: dataDir, DA_SIGNING_KEY: file })).toThrow(/^DA_SIGNING_KEY: /);
  });
});

describe("backups", () => {
  test("a backup never holds the signing key, even in its default place under $DATA_DIR/state", async () => {
    const t = await createTestApp({ env: { DA_SIGNING_KEY: "" } }); // unset: $DATA_DIR/state/da-signing-key
    try {
      expect(t.ctx.config.daSigningKeyFile).toBe(join(t.ctx.config.stateDir, "da-signing-key"));
      const res = await t.api("POST", "/api/admin/backups", { token: await t.login() });
      expect(res.status).toBe(201);
      const { name } = (await res.json()) as { name: string };
      const entries = Bun.spawnSync(["tar", "tzf", join(t.ctx.config.backupDir, name)]).stdout.toString();
      expect(entries).toContain("state/system.duckdb"); // the listing is real
      expect(entries).not.toContain("da-signing-key");
    } finally {
      await t.close();
    }
  });
});

describe("the routes", () => {
  test("/cli/signing-key.pub, /cli/SHA256SUMS and its .minisig verify together; /install shows the key", async () => {
    const dist = fakeDist(["linux-x64", "darwin-arm64"], { version: "2.0.0" });
    const t = await createTestApp({ env: { CLI_DIST_DIR: dist.dir } });
    try {
      const pub = await (await t.handle("/cli/signing-key.pub")).text();
      const key = parsePublicKey(pub);
      expect(publicKeyBase64(key)).toBe(testPublicKey());
      const sums = await (await t.handle("/cli/SHA256SUMS")).text();
      const sig = await t.handle("/cli/SHA256SUMS.minisig");
      expect(sig.status).toBe(200);
      expect(verifyDetached(key, Buffer.from(sums), await sig.text()).trustedComment).toContain("version:2.0.0");
      const manifest = (await (await t.handle("/cli/manifest.json")).json()) as { sha256sums: string; signature: string };
      expect(manifest.sha256sums).toBe(sums);
      const page = await (await t.handle("/install", { headers: { accept: "text/html" } })).text();
      expect(page).toContain(`minisign -V -m SHA256SUMS -P ${testPublicKey()}`);
      expect(page).toContain(keyIdHex(key.keyId));
      expect(await (await t.handle("/cli/install.sh")).text()).toContain(`AGNES_SIGNING_KEY='${testPublicKey()}'`);
      expect(await (await t.handle("/cli/signing-key.chain")).json()).toEqual([]);
    } finally {
      await t.close();
    }
  });

  test("a release built with another key (the Docker image's build stage): the server shows and bakes in that key", async () => {
    const other = otherSigningKey();
    const t = await createTestApp({ env: { CLI_DIST_DIR: fakeDist(["linux-x64"], { signWith: other }).dir } });
    try {
      const served = parsePublicKey(await (await t.handle("/cli/signing-key.pub")).text());
      expect(keyIdHex(served.keyId)).toBe(keyIdHex(other.keyId));
      const otherKey = publicKeyBase64(publicKeyOf(other));
      expect(await (await t.handle("/cli/install.sh")).text()).toContain(`AGNES_SIGNING_KEY='${otherKey}'`);
      expect(await (await t.handle("/cli/install.ps1")).text()).toContain(`$AgnesSigningKey = '${otherKey}'`);
      expect(await (await t.handle("/install", { headers: { accept: "text/html" } })).text()).toContain(otherKey);
    } finally {
      await t.close();
    }
  });

  test("an unsigned build: /cli/SHA256SUMS.minisig is a 404 that says so", async () => {
    const t = await createTestApp({ env: { CLI_DIST_DIR: fakeDist(["linux-x64"], { signWith: null }).dir } });
    try {
      const res = await t.handle("/cli/SHA256SUMS.minisig", { headers: { accept: "application/json" } });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { detail: string }).detail).toContain("not signed");
    } finally {
      await t.close();
    }
  });
});

describe("the background build", () => {
  test("a current build signed by another key (or unsigned) is rebuilt: every da must carry the server's key", async () => {
    for (const signWith of [otherSigningKey(), null]) {
      const t = await createTestApp({ env: { CLI_DIST_DIR: fakeDist([...TARGET_NAMES], { version: VERSION, signWith }).dir } });
      expect((await t.ctx.cliBuilder.plan()).sort()).toEqual([...TARGET_NAMES].sort());
      await t.close();
    }
    const ours = await createTestApp({ env: { CLI_DIST_DIR: fakeDist([...TARGET_NAMES], { version: VERSION }).dir } });
    expect(await ours.ctx.cliBuilder.plan()).toEqual([]);
    expect(await new CliBuilder(ours.ctx.cliDist, VERSION, ours.log, { file: "k", keyId: "0000000000000000" }).plan()).toHaveLength(TARGET_NAMES.length);
    await ours.close();
  });
});

describe("rotating the key", () => {
  test("bun run signing-key rotate: the server serves the chain, and an installed da updates to a release the new key signed", async () => {
    const keyDir = mkdtempSync(join(tmpdir(), "agnes-rotate-"));
    try {
      const keyFile = join(keyDir, "da-signing-key");
      copyFileSync(TEST_SIGNING_KEY_FILE, keyFile);
      chmodSync(keyFile, 0o600);
      const rotated = Bun.spawnSync(["bun", "scripts/signing-key.ts", "rotate"], {
        cwd: join(import.meta.dir, "../.."),
        env: { ...process.env, DA_SIGNING_KEY: keyFile },
      });
      expect(rotated.stdout.toString()).toContain(`Rotated the da signing key ${keyIdHex(testSigningKey().keyId)} → `);
      expect(rotated.exitCode).toBe(0);
      const next = parseSecretKey(readFileSync(keyFile, "utf8"));
      expect(keyIdHex(next.keyId)).not.toBe(keyIdHex(testSigningKey().keyId));
      expect(readFileSync(`${keyFile}.retired-${keyIdHex(testSigningKey().keyId)}`, "utf8")).toBe(readFileSync(TEST_SIGNING_KEY_FILE, "utf8"));

      const exe = await daBinary();
      const dist = distTempDir("agnes-rotated-dist-");
      const target = JSON.parse(Bun.spawnSync([exe, "version", "--json"], { env: { PATH: "/usr/bin:/bin", HOME: keyDir } }).stdout.toString()).target;
      const sha256 = await sha256File(exe);
      copyFileSync(exe, join(dist, `da-${target}`));
      const targets = [{ target, os: "linux", arch: target.includes("arm64") ? "arm64" : "x64", filename: `da-${target}`, size: Bun.file(exe).size, sha256 }];
      const sums = sumsFor(targets);
      writeFileSync(
        join(dist, "manifest.json"),
        JSON.stringify({ version: "9.9.9", commit: "x", targets, sha256sums: sums, signature: signRelease(sums, "9.9.9", next) }),
      );
      const server = await startServer({ env: { CLI_DIST_DIR: dist, DA_SIGNING_KEY: keyFile } });
      try {
        expect(await (await fetch(`${server.url}/cli/signing-key.chain`)).text()).toBe(JSON.stringify(JSON.parse(readFileSync(chainPath(keyFile), "utf8"))));
        expect(publicKeyBase64(parsePublicKey(await (await fetch(`${server.url}/cli/signing-key.pub`)).text()))).toBe(publicKeyBase64(publicKeyOf(next)));
        const installedDir = mkdtempSync(join(keyDir, "bin-"));
        const installed = join(installedDir, "da");
        copyFileSync(exe, installed);
        const proc = Bun.spawnSync([installed, "update"], { env: { PATH: "/usr/bin:/bin", HOME: keyDir, NO_COLOR: "1", DA_SERVER: server.url } });
        expect(proc.stderr.toString()).toContain("Updated da ");
        expect(proc.exitCode).toBe(0);
        // Without the chain the same release is refused: rotation is what made it acceptable.
        rmSync(chainPath(keyFile));
      } finally {
        await server.stop();
      }
      const server2 = await startServer({ env: { CLI_DIST_DIR: dist, DA_SIGNING_KEY: keyFile } });
      try {
        const again = join(mkdtempSync(join(keyDir, "bin-")), "da");
        copyFileSync(exe, again);
        const refused = Bun.spawnSync([again, "update"], { env: { PATH: "/usr/bin:/bin", HOME: keyDir, NO_COLOR: "1", DA_SERVER: server2.url } });
        expect(refused.stderr.toString()).toContain("which this da does not trust");
        expect(refused.exitCode).toBe(1);
      } finally {
        await server2.stop();
      }
    } finally {
      rmSync(keyDir, { recursive: true, force: true });
    }
  });
});
