// The one email rule: how an address is stored (trimmed, lower-case) and what counts as valid.
import { BadRequest } from "../http/errors";

// Deliberately simple (no quoted local parts), but no spaces, control characters or the characters
// that would make an address ambiguous in a mail header; the domain is dotted labels.
const EMAIL_PATTERN = /^[^\s\p{Cc}@<>()[\]\\,;:"]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+$/u;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
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
