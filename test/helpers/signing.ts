// The one da signing key of the test runs: every test `da` is built with its public half, build.ts
// and fakeDist sign with it, and test servers and apps use it (DA_SIGNING_KEY), so updates and
// installs verify the way they do in a deployment. Kept under dist/ (never committed) so the cached
// test binary (test/helpers/cli.ts) and later runs agree on it; "another key" is made fresh per test.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadSigningKey } from "../../src/config/signing-key";
import { generateSecretKey, publicKeyBase64, publicKeyOf, signDetached, type SecretKey } from "../../src/shared/minisign";
import { releaseComment } from "../../src/shared/release-signing";

const KEY_DIR = resolve(import.meta.dir, "../../dist/test-signing-key");
export const TEST_SIGNING_KEY_FILE = join(KEY_DIR, "da-signing-key");

export function testSigningKey(): SecretKey {
  mkdirSync(KEY_DIR, { recursive: true, mode: 0o700 });
  return loadSigningKey(TEST_SIGNING_KEY_FILE);
}

export function testPublicKey(): string {
  return publicKeyBase64(publicKeyOf(testSigningKey()));
}

export function otherSigningKey(): SecretKey {
  return generateSecretKey();
}

/** SHA256SUMS lines for these files, in build.ts's format. */
export function sumsFor(entries: { sha256: string; filename: string }[]): string {
  return entries.map((e) => `${e.sha256}  ${e.filename}\n`).join("");
}

/** A release signature as build.ts makes it (the version in the trusted comment). */
export function signRelease(sums: string, version: string, key: SecretKey = testSigningKey()): string {
  return signDetached(key, Buffer.from(sums, "utf8"), releaseComment(version, "fixture"));
}
