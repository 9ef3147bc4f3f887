// Personal access token format: agnes_pat_<secret><checksum>
//   prefix    "agnes_pat_": fixed and greppable, so secret scanners and people recognise a leak
//   secret    32 base62 characters from crypto random bytes (~190 bits)
//   checksum  CRC32 of prefix+secret, 6 base62 characters: a secret scanner (or a person) can tell
//             a real token from look-alike text offline. The server finds a token by its SHA-256,
//             which rejects a mistyped one as well, so authentication checks only the length.
// Only SHA-256(token) is stored; it is random and long, so a fast hash is the right tool here.
import { randomBytes } from "node:crypto";
import { PAT_PREFIX } from "../shared/token-format";

export { PAT_PREFIX };
const SECRET_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `value` below 2^32 (a CRC32), so plain numbers hold it exactly. */
function base62(value: number, width: number): string {
  let out = "";
  for (let i = 0; i < width; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

function randomBase62(length: number): string {
  // Rejection sampling keeps every character uniform (256 is not a multiple of 62).
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

function checksum(body: string): string {
  return base62(Bun.hash.crc32(body), CHECKSUM_LENGTH);
}

/** A new secret of this format under `prefix` (PATs here; OAuth tokens in oauth-format.ts). */
export function generatePrefixedSecret(prefix: string): string {
  const body = prefix + randomBase62(SECRET_LENGTH);
  return body + checksum(body);
}

export function generatePat(): string {
  return generatePrefixedSecret(PAT_PREFIX);
}

/** The length of every secret of this format under `prefix`. */
export function prefixedSecretLength(prefix: string): number {
  return prefix.length + SECRET_LENGTH + CHECKSUM_LENGTH;
}

export const PAT_LENGTH = prefixedSecretLength(PAT_PREFIX);

export function looksLikePat(bearer: string): boolean {
  return bearer.startsWith(PAT_PREFIX);
}

/** True when the token has our shape and its checksum matches. */
export function isWellFormedPat(token: string): boolean {
  return isWellFormedSecret(PAT_PREFIX, token);
}

/** True when `token` is `prefix`, 32 base62 characters and their matching checksum. */
export function isWellFormedSecret(prefix: string, token: string): boolean {
  if (token.length !== prefixedSecretLength(prefix) || !token.startsWith(prefix)) return false;
  if (!/^[0-9A-Za-z]+$/.test(token.slice(prefix.length))) return false;
  const body = token.slice(0, -CHECKSUM_LENGTH);
  return checksum(body) === token.slice(-CHECKSUM_LENGTH);
}

// Bun's one-shot SHA-256: the same digest as node:crypto's createHash, about 7× cheaper per call,
// and every PAT request pays it.
export function hashSecret(secret: string): string {
  return Bun.SHA256.hash(secret, "hex");
}
