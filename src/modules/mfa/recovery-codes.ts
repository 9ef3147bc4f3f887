// Recovery codes: ten single-use codes shown once, for when the authenticator app is lost. Each is
// 10 characters from a 31-character alphabet without look-alikes (about 49 bits), so a SHA-256 of it is
// enough at rest (as for tokens: no salt or slow hash is needed for a random secret of that size).
import { createHash, randomInt } from "node:crypto";

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"; // no i, l, o, 0, 1

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** The stored form of a code as typed: case, spaces and the dash do not matter. */
export function recoveryCodeHash(input: string): string {
  const normal = input.toLowerCase().replace(/[\s-]+/g, "");
  return createHash("sha256").update(`agnes-recovery:${normal}`).digest("hex");
}

export function looksLikeRecoveryCode(input: string): boolean {
  return /^[a-z0-9]{10}$/.test(input.toLowerCase().replace(/[\s-]+/g, ""));
}
