// The one place that signs values and compares secrets, for the server and `da` alike.
// - `sameSecret`: constant-time equality of two strings. Both sides are hashed first (SHA-256), so
//   neither the content nor the length of the expected value leaks through timing.
// - `sameSecretOfKnownLength`: the same without hashing, for a secret whose length is public.
// - `macOf`: an HMAC-SHA256 of `<label>:<value>` under a key. The label is the purpose (csrf, flash,
//   oidc-attempt…), so a value signed for one purpose never verifies as another.
// - `seal`/`unseal`: a JSON value with its MAC, as `<base64url json>.<base64url mac>`, for cookies the
//   server hands out and must read back unchanged (the flash, the SSO attempt).
// - `encryptSecret`/`decryptSecret`: a secret the server must read back in clear (a TOTP seed), stored
//   with AES-256-GCM under a key derived from the server's secret with HKDF-SHA256 and the purpose as
//   its info, so the stored value is useless without the key and bound to its purpose.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value).digest();

export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Constant-time equality of a given secret and a known one whose length is no secret (a token
 * format's fixed length), without hashing: for the per-request path, where a hash costs more than
 * the rest of the check (src/auth/recent-secrets.ts). Every character is compared, whatever differs.
 */
export function sameSecretOfKnownLength(given: string, known: string): boolean {
  if (given.length !== known.length) return false;
  let difference = 0;
  for (let i = 0; i < known.length; i++) difference |= given.charCodeAt(i) ^ known.charCodeAt(i);
  return difference === 0;
}

export function macOf(label: string, value: string, key: string): string {
  return createHmac("sha256", key).update(`${label}:${value}`).digest("base64url");
}

export function seal(label: string, value: unknown, key: string): string {
  const payload = Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${payload}.${macOf(label, payload, key)}`;
}

/** The value `seal` was given, or null when the MAC is wrong or the payload is not JSON. */
export function unseal(label: string, sealed: string, key: string): unknown {
  const dot = sealed.indexOf(".");
  if (dot < 0) return null;
  const payload = sealed.slice(0, dot);
  if (!sameSecret(sealed.slice(dot + 1), macOf(label, payload, key))) return null;
  try {
    return JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return null;
  }
}

function derivedKey(label: string, key: string): Buffer {
  return Buffer.from(hkdfSync("sha256", key, "agnes-secret-box", `agnes:${label}`, 32));
}

/** `v1.<iv>.<ciphertext>.<tag>` (base64url): AES-256-GCM under a key derived for `label`. */
export function encryptSecret(label: string, plaintext: string, key: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derivedKey(label, key), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, body, cipher.getAuthTag()].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
}

/** The plaintext, or null when the value was not made by `encryptSecret` with this label and key. */
export function decryptSecret(label: string, sealed: string, key: string): string | null {
  const [version, iv, body, tag] = sealed.split(".");
  if (version !== "v1" || !iv || body === undefined || !tag) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", derivedKey(label, key), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
