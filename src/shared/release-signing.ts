// What a signed `da` release is, for build.ts (signs), the server (serves) and `da update` (checks):
// SHA256SUMS signed with the deployment's key (minisign format, see minisign.ts), whose trusted comment
// names the release's version, so an old signed release cannot be passed off as a new one.
// Key rotation: a chain of links, each a new public key signed by the key before it; a `da` accepts a
// key it was not built with only when a chain leads there from its own key.
import { keyIdHex, MinisignError, parsePublicKey, signatureKeyId, verifyDetached, type PublicKey } from "./minisign";

export const SUMS_FILE = "SHA256SUMS";
export const SIGNATURE_FILE = "SHA256SUMS.minisig";

/** One step of a key rotation: `public_key` (base64, minisign format) signed by the previous key. */
export type ChainLink = { public_key: string; signature: string };

export type VerifiedRelease = { version: string; commit: string | null; keyId: string; rotated: boolean };

/** minisign's own `timestamp:… file:…` comment, plus the release's version and commit. */
export function releaseComment(version: string, commit: string, now = new Date()): string {
  return `timestamp:${Math.floor(now.getTime() / 1000)}\tfile:${SUMS_FILE}\tversion:${version}\tcommit:${commit}`;
}

export function rotationComment(next: PublicKey, now = new Date()): string {
  return `timestamp:${Math.floor(now.getTime() / 1000)}\tfile:signing-key.pub\tnext_key:${keyIdHex(next.keyId)}`;
}

function commentFields(comment: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of comment.split("\t")) {
    const at = part.indexOf(":");
    if (at > 0) fields.set(part.slice(0, at), part.slice(at + 1));
  }
  return fields;
}

function isLink(value: unknown): value is ChainLink {
  const link = value as Partial<ChainLink> | null;
  return typeof link?.public_key === "string" && typeof link.signature === "string";
}

/**
 * The keys a `da` built with `baked` may trust: its own, then every key a link signed by an already
 * trusted key names, in order. A link signed by a key not (yet) trusted is passed over, never trusted.
 */
export function trustedKeys(baked: PublicKey, chain: unknown): PublicKey[] {
  const trusted = [baked];
  for (const link of Array.isArray(chain) ? chain : []) {
    if (!isLink(link)) continue;
    const signer = trusted.find((key) => keyIdHex(key.keyId) === signatureKeyId(link.signature));
    if (!signer) continue;
    try {
      verifyDetached(signer, Buffer.from(link.public_key, "utf8"), link.signature);
      const next = parsePublicKey(link.public_key);
      if (!trusted.some((key) => key.keyId.equals(next.keyId))) trusted.push(next);
    } catch {
      // a link that does not verify adds nothing
    }
  }
  return trusted;
}

/** Checks the signed SHA256SUMS against `keys`; throws MinisignError saying why not. */
export function verifyRelease(keys: PublicKey[], sums: string, signature: string): VerifiedRelease {
  const keyId = signatureKeyId(signature);
  if (!keyId) throw new MinisignError("the release signature is not a minisign signature");
  const key = keys.find((k) => keyIdHex(k.keyId) === keyId);
  if (!key)
    throw new MinisignError(`the release is signed by key ${keyId}, which this da does not trust (it trusts ${keys.map((k) => keyIdHex(k.keyId)).join(", ")})`);
  const verified = verifyDetached(key, Buffer.from(sums, "utf8"), signature);
  const fields = commentFields(verified.trustedComment);
  const version = fields.get("version");
  if (fields.get("file") !== SUMS_FILE || !version) throw new MinisignError("the signature is not for a da release's SHA256SUMS");
  return { version, commit: fields.get("commit") ?? null, keyId, rotated: key !== keys[0] };
}

/** The SHA-256 that `sums` ("<hex>  <file>" lines) gives for `filename`, or null. */
export function checksumFor(sums: string, filename: string): string | null {
  for (const line of sums.split("\n")) {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (match && match[2] === filename) return match[1]!;
  }
  return null;
}
