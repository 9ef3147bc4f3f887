// The one email rule: how an address is stored (trimmed, Unicode NFC, lower-case) and what counts as
// valid. NFC first, so that "é" typed as one code point or as e + accent is one address, not two.
import { BadRequest } from "../http/errors";

// Deliberately simple (no quoted local parts), but no spaces, control characters or the characters
// that would make an address ambiguous in a mail header; the domain is dotted labels. Invisible and
// format characters (zero-width space, bidi marks, soft hyphen: \p{Cf}), private-use, unassigned and
// lone surrogate code points, and U+FFFD (what a lone surrogate becomes in JSON) are refused: they
// make two addresses that look the same.
const EMAIL_PATTERN = /^[^\s\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Z}\uFFFD@<>()[\]\\,;:"]+@[\p{L}\p{M}\p{N}-]+(?:\.[\p{L}\p{M}\p{N}-]+)+$/u;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase().normalize("NFC");
}

export function isValidEmail(email: string): boolean {
  return email.length <= 254 && EMAIL_PATTERN.test(email);
}

/** The stored form of a submitted address; 400 when it is not one. */
export function parseEmail(value: string): string {
  const email = normaliseEmail(value);
  if (!isValidEmail(email)) throw new BadRequest("Enter a valid email address");
  return email;
}
