// The minisign formats of src/shared/minisign.ts, and interoperability with the real `minisign`
// (Debian's, installed by scripts/bootstrap.sh --test-tools) in both directions: minisign checks our
// signatures and signs with our key files; we check minisign's signatures (legacy and prehashed) and
// read its unencrypted key files.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  formatPublicKey,
  formatSecretKey,
  generateSecretKey,
  keyIdHex,
  MinisignError,
  parsePublicKey,
  parseSecretKey,
  publicKeyBase64,
  publicKeyOf,
  signDetached,
  verifyDetached,
} from "../../src/shared/minisign";
import { checksumFor, releaseComment, trustedKeys, verifyRelease } from "../../src/shared/release-signing";

const dir = mkdtempSync(join(tmpdir(), "agnes-minisign-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DATA = Buffer.from("0123abcd  da-linux-x64\n");

function minisign(args: string[]) {
  const proc = Bun.spawnSync(["minisign", ...args], { cwd: dir, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  return { code: proc.exitCode, out: `${proc.stdout.toString()}${proc.stderr.toString()}` };
}

describe("our format", () => {
  test("sign → verify round trip; the trusted comment comes back; keys survive their file formats", () => {
    const sk = generateSecretKey();
    const again = parseSecretKey(formatSecretKey(sk));
    expect(again.seed.equals(sk.seed) && again.key.equals(sk.key) && again.keyId.equals(sk.keyId)).toBe(true);
    const pk = parsePublicKey(formatPublicKey(publicKeyOf(sk)));
    expect(parsePublicKey(publicKeyBase64(pk)).key.equals(sk.key)).toBe(true);
    const sig = signDetached(sk, DATA, "timestamp:1\tfile:SHA256SUMS\tversion:1.2.3");
    // The legacy, raw-file kind: the signature line starts with the bytes "Ed" (then the key id).
    expect(Buffer.from(sig.split("\n")[1]!, "base64").subarray(0, 2).toString("latin1")).toBe("Ed");
    expect(verifyDetached(pk, DATA, sig)).toEqual({ keyId: keyIdHex(sk.keyId), trustedComment: "timestamp:1\tfile:SHA256SUMS\tversion:1.2.3" });
  });

  test("a changed file, a changed trusted comment, another key or garbage are each refused with a reason", () => {
    const sk = generateSecretKey();
    const pk = publicKeyOf(sk);
    const sig = signDetached(sk, DATA, "version:1.2.3");
    expect(() => verifyDetached(pk, Buffer.from("other"), sig)).toThrow("the signature does not match the file");
    expect(() => verifyDetached(pk, DATA, sig.replace("version:1.2.3", "version:9.9.9"))).toThrow("trusted comment's signature does not match");
    const other = publicKeyOf(generateSecretKey());
    expect(() => verifyDetached(other, DATA, sig)).toThrow(`signed by key ${keyIdHex(sk.keyId)}, not by key ${keyIdHex(other.keyId)}`);
    // Same key id, another key: the id is a label, not the proof.
    expect(() => verifyDetached({ keyId: sk.keyId, key: other.key }, DATA, sig)).toThrow("does not match");
    for (const bad of ["", "x\ny\nz\nw", sig.replace(/\n[^\n]+\ntrusted/, "\nAAAA\ntrusted")]) {
      expect(() => verifyDetached(pk, DATA, bad)).toThrow(MinisignError);
    }
    expect(() => signDetached(sk, DATA, "two\nlines")).toThrow(MinisignError);
    expect(() => parsePublicKey("not a key")).toThrow(MinisignError);
  });

  test("a release: the version comes from the signed comment; SHA256SUMS lines are looked up exactly", () => {
    const sk = generateSecretKey();
    const sums = `${"a".repeat(64)}  da-linux-x64\n${"b".repeat(64)}  da-linux-x64-baseline\n`;
    const sig = signDetached(sk, Buffer.from(sums), releaseComment("2.0.0", "abc"));
    expect(verifyRelease([publicKeyOf(sk)], sums, sig)).toMatchObject({ version: "2.0.0", commit: "abc", rotated: false });
    expect(checksumFor(sums, "da-linux-x64")).toBe("a".repeat(64));
    expect(checksumFor(sums, "da-linux")).toBeNull();
    const notRelease = signDetached(sk, Buffer.from(sums), "timestamp:1\tfile:other");
    expect(() => verifyRelease([publicKeyOf(sk)], sums, notRelease)).toThrow("not for a da release");
    expect(trustedKeys(publicKeyOf(sk), "not a chain")).toHaveLength(1);
  });
});

describe("with the real minisign", () => {
  test("minisign verifies our signatures, and signs with our secret key file", () => {
    const sk = generateSecretKey();
    writeFileSync(join(dir, "our.pub"), formatPublicKey(publicKeyOf(sk)));
    writeFileSync(join(dir, "our.key"), formatSecretKey(sk), { mode: 0o600 });
    writeFileSync(join(dir, "SHA256SUMS"), DATA);
    writeFileSync(join(dir, "SHA256SUMS.minisig"), signDetached(sk, DATA, releaseComment("1.2.3", "abc")));
    const checked = minisign(["-V", "-p", "our.pub", "-m", "SHA256SUMS"]);
    expect(checked.out).toContain("Signature and comment signature verified");
    expect(checked.out).toContain("version:1.2.3");
    expect(checked.code).toBe(0);
    expect(minisign(["-V", "-P", publicKeyBase64(publicKeyOf(sk)), "-m", "SHA256SUMS"]).code).toBe(0);
    writeFileSync(join(dir, "SHA256SUMS"), "tampered\n");
    expect(minisign(["-V", "-p", "our.pub", "-m", "SHA256SUMS"]).code).not.toBe(0);
    // The operator can sign by hand with the server's key file.
    writeFileSync(join(dir, "note"), "by hand\n");
    expect(minisign(["-S", "-s", "our.key", "-m", "note", "-t", "hand"]).code).toBe(0);
    expect(verifyDetached(publicKeyOf(sk), Buffer.from("by hand\n"), readFileSync(join(dir, "note.minisig"), "utf8")).trustedComment).toBe("hand");
  });

  test("we verify minisign's signatures (prehashed default and legacy -l) and read its key files", () => {
    expect(minisign(["-G", "-W", "-p", "theirs.pub", "-s", "theirs.key"]).code).toBe(0);
    chmodSync(join(dir, "theirs.key"), 0o600);
    writeFileSync(join(dir, "file"), DATA);
    const pk = parsePublicKey(readFileSync(join(dir, "theirs.pub"), "utf8"));
    expect(keyIdHex(parseSecretKey(readFileSync(join(dir, "theirs.key"), "utf8")).keyId)).toBe(keyIdHex(pk.keyId));
    for (const legacy of [false, true]) {
      expect(minisign(["-S", ...(legacy ? ["-l"] : []), "-s", "theirs.key", "-m", "file", "-t", `legacy ${legacy}`]).code).toBe(0);
      const sig = readFileSync(join(dir, "file.minisig"), "utf8");
      expect(verifyDetached(pk, DATA, sig).trustedComment).toBe(`legacy ${legacy}`);
      expect(() => verifyDetached(pk, Buffer.from("other"), sig)).toThrow("does not match the file");
    }
  });
});
