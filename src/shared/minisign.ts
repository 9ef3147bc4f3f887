// minisign's file formats over node:crypto's Ed25519, so the signatures on `da` releases can be checked
// with the real `minisign` tool (and keys made by `minisign -G -W` can sign them). Shared by the server,
// build.ts and `da` (compiled in: node:crypto only). The formats (jedisct1/minisign, "Signature format"):
//   public key   "Ed" ‖ key id (8) ‖ Ed25519 public key (32), base64, under an untrusted comment line
//   secret key   "Ed" ‖ kdf "\0\0" (unencrypted, as `minisign -W`) ‖ "B2" ‖ salt (32) ‖ ops (8) ‖ mem (8)
//                ‖ key id (8) ‖ Ed25519 seed+public (64) ‖ checksum (32, zero when unencrypted)
//   signature    "Ed" ‖ key id ‖ Ed25519(file) — legacy, over the raw file; "ED" signs BLAKE2b-512(file)
//                (minisign's default; verified here too), then "trusted comment: …" and the global
//                signature Ed25519(signature ‖ trusted comment), which binds the comment to the file.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from "node:crypto";

export class MinisignError extends Error {}

export type PublicKey = { keyId: Buffer; key: Buffer };
export type SecretKey = PublicKey & { seed: Buffer };
export type Verified = { keyId: string; trustedComment: string };

const PUBLIC_LEN = 2 + 8 + 32;
const SECRET_LEN = 2 + 2 + 2 + 32 + 8 + 8 + 8 + 64 + 32;
const SIGNATURE_LEN = 2 + 8 + 64;

/** The key id as minisign prints it: the 8 bytes read as a little-endian number, in upper-case hex. */
export function keyIdHex(keyId: Buffer): string {
  return Buffer.from(keyId).reverse().toString("hex").toUpperCase();
}

function decodeBase64(line: string, length: number, what: string): Buffer {
  const text = line.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new MinisignError(`${what} is not base64`);
  const bytes = Buffer.from(text, "base64");
  if (bytes.length !== length) throw new MinisignError(`${what} has ${bytes.length} bytes, expected ${length}`);
  return bytes;
}

/** A public key from a minisign .pub file or its bare base64 line (as `minisign -P` takes it). */
export function parsePublicKey(text: string): PublicKey {
  const lines = text.trim().split(/\r?\n/);
  const line = lines.length === 2 && lines[0]!.startsWith("untrusted comment:") ? lines[1]! : lines.length === 1 ? lines[0]! : "";
  if (!line) throw new MinisignError("a minisign public key is one base64 line, optionally after an untrusted comment line");
  const bytes = decodeBase64(line, PUBLIC_LEN, "the public key");
  if (bytes.subarray(0, 2).toString("latin1") !== "Ed") throw new MinisignError("the public key is not an Ed25519 minisign key");
  return { keyId: bytes.subarray(2, 10), key: bytes.subarray(10) };
}

/** The base64 line of a public key (what `signing_key:` in da's config and `minisign -P` hold). */
export function publicKeyBase64(pk: PublicKey): string {
  return Buffer.concat([Buffer.from("Ed"), pk.keyId, pk.key]).toString("base64");
}

export function formatPublicKey(pk: PublicKey): string {
  return `untrusted comment: minisign public key ${keyIdHex(pk.keyId)}\n${publicKeyBase64(pk)}\n`;
}

export function generateSecretKey(): SecretKey {
  const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
  return { keyId: randomBytes(8), seed: Buffer.from(jwk.d!, "base64url"), key: Buffer.from(jwk.x!, "base64url") };
}

export function formatSecretKey(sk: SecretKey): string {
  const header = Buffer.concat([Buffer.from("Ed\0\0B2"), Buffer.alloc(32 + 8 + 8)]);
  const body = Buffer.concat([header, sk.keyId, sk.seed, sk.key, Buffer.alloc(32)]);
  return `untrusted comment: minisign secret key (unencrypted): signs the da releases of one Agnes server\n${body.toString("base64")}\n`;
}

/** An unencrypted minisign secret key (ours, or `minisign -G -W`'s); a password-protected one is refused. */
export function parseSecretKey(text: string): SecretKey {
  const lines = text.trim().split(/\r?\n/);
  if (lines.length !== 2 || !lines[0]!.startsWith("untrusted comment:")) throw new MinisignError("not a minisign secret key file");
  const bytes = decodeBase64(lines[1]!, SECRET_LEN, "the secret key");
  if (bytes.subarray(0, 2).toString("latin1") !== "Ed") throw new MinisignError("the secret key is not an Ed25519 minisign key");
  if (bytes.readUInt16BE(2) !== 0)
    throw new MinisignError("the secret key is password-protected; the server needs one made with `minisign -G -W` (or let it make its own)");
  const keyId = bytes.subarray(54, 62);
  const seed = bytes.subarray(62, 94);
  const key = bytes.subarray(94, 126);
  const derived = Buffer.from(createPublicKey(privateKeyObject({ keyId, seed, key })).export({ format: "jwk" }).x!, "base64url");
  if (!derived.equals(key)) throw new MinisignError("the secret key file is damaged (its public half does not match)");
  return { keyId, seed, key };
}

function privateKeyObject(sk: SecretKey) {
  return createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", d: sk.seed.toString("base64url"), x: sk.key.toString("base64url") }, format: "jwk" });
}

function publicKeyObject(pk: PublicKey) {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: pk.key.toString("base64url") }, format: "jwk" });
}

export function publicKeyOf(sk: SecretKey): PublicKey {
  return { keyId: sk.keyId, key: sk.key };
}

function checkComment(comment: string, what: string): void {
  if (/[\r\n]/.test(comment)) throw new MinisignError(`the ${what} must be one line`);
}

/** A .minisig (legacy "Ed": the raw file is signed, so `openssl pkeyutl -verify -rawin` can check it too). */
export function signDetached(sk: SecretKey, data: Uint8Array, trustedComment: string, untrustedComment = "signature from an Agnes da signing key"): string {
  checkComment(trustedComment, "trusted comment");
  checkComment(untrustedComment, "untrusted comment");
  const key = privateKeyObject(sk);
  const signature = sign(null, data, key);
  const global = sign(null, Buffer.concat([signature, Buffer.from(trustedComment, "utf8")]), key);
  const line = Buffer.concat([Buffer.from("Ed"), sk.keyId, signature]).toString("base64");
  return `untrusted comment: ${untrustedComment}\n${line}\ntrusted comment: ${trustedComment}\n${global.toString("base64")}\n`;
}

type ParsedSignature = { algorithm: "Ed" | "ED"; keyId: Buffer; signature: Buffer; trustedComment: string; global: Buffer };

export function parseSignature(text: string): ParsedSignature {
  const lines = text.replace(/\r?\n$/, "").split(/\r?\n/);
  if (lines.length !== 4 || !lines[0]!.startsWith("untrusted comment:") || !lines[2]!.startsWith("trusted comment: ")) {
    throw new MinisignError("not a minisign signature (four lines: untrusted comment, signature, trusted comment, global signature)");
  }
  const bytes = decodeBase64(lines[1]!, SIGNATURE_LEN, "the signature");
  const algorithm = bytes.subarray(0, 2).toString("latin1");
  if (algorithm !== "Ed" && algorithm !== "ED") throw new MinisignError("the signature is not an Ed25519 minisign signature");
  const global = decodeBase64(lines[3]!, 64, "the trusted comment's signature");
  return { algorithm, keyId: bytes.subarray(2, 10), signature: bytes.subarray(10), trustedComment: lines[2]!.slice("trusted comment: ".length), global };
}

/** The key id a signature names (to pick the key, or say which key made it), or null when it is not one. */
export function signatureKeyId(text: string): string | null {
  try {
    return keyIdHex(parseSignature(text).keyId);
  } catch {
    return null;
  }
}

/** Checks `text` (a .minisig) over `data` with `pk`; throws MinisignError saying what is wrong. */
export function verifyDetached(pk: PublicKey, data: Uint8Array, text: string): Verified {
  const sig = parseSignature(text);
  if (!sig.keyId.equals(pk.keyId)) {
    throw new MinisignError(`signed by key ${keyIdHex(sig.keyId)}, not by key ${keyIdHex(pk.keyId)}`);
  }
  const key = publicKeyObject(pk);
  const message = sig.algorithm === "ED" ? createHash("blake2b512").update(data).digest() : data;
  if (!verify(null, message, key, sig.signature)) throw new MinisignError("the signature does not match the file");
  if (!verify(null, Buffer.concat([sig.signature, Buffer.from(sig.trustedComment, "utf8")]), key, sig.global)) {
    throw new MinisignError("the trusted comment's signature does not match");
  }
  return { keyId: keyIdHex(sig.keyId), trustedComment: sig.trustedComment };
}
