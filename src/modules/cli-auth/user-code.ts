// Device-flow user codes (RFC 8628 §6.1): 8 characters from 20 consonants that cannot be mistaken
// for each other or for digits, and spell no words: 20^8 ≈ 2.6 × 10^10 codes (34.5 bits). A code
// lives 5 minutes and guessing is limited to 10 wrong codes per 15 minutes per user and per client
// address, so the chance of one guess landing on one of even 100,000 pending codes is 4 × 10^-6.
// Shown as ABCD-EFGH; typed in any case, with or without the dash or spaces.
import { randomInt } from "node:crypto";

export const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
export const USER_CODE_LENGTH = 8;

export function generateUserCode(): string {
  let code = "";
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** `abcd efgh`, `ABCD-EFGH` → `ABCDEFGH`; null when what is left is not a possible code. */
export function normaliseUserCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, "");
  if (code.length !== USER_CODE_LENGTH) return null;
  for (const c of code) if (!USER_CODE_ALPHABET.includes(c)) return null;
  return code;
}

export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}
