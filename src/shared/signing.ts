// The one place that signs values and compares secrets, for the server and `da` alike.
// - `sameSecret`: constant-time equality of two strings. Both sides are hashed first (SHA-256), so
//   neither the content nor the length of the expected value leaks through timing.
// - `macOf`: an HMAC-SHA256 of `<label>:<value>` under a key. The label is the purpose (csrf, flash,
//   oidc-attempt…), so a value signed for one purpose never verifies as another.
// - `seal`/`unseal`: a JSON value with its MAC, as `<base64url json>.<base64url mac>`, for cookies the
//   server hands out and must read back unchanged (the flash, the SSO attempt).
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value).digest();

export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
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
