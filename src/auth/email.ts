// The one email rule, used wherever an address is typed, configured or claimed by a provider:
// how it is stored and which addresses are refused. Two addresses that look alike must never be
// folded onto each other, nor exist as two accounts:
//   1. trim, then canonical composition (NFC): "é" typed as one code point or as e + accent is the
//      same text and one address. A code point that NFC replaces on its own (a "singleton": the
//      Kelvin sign U+212A → K, the Ohm sign, the Ångström sign, CJK compatibility ideographs) is
//      a different character that merely looks like another, so it is refused, not folded.
//   2. refuse compatibility characters (NFKC changes them: fullwidth "ａ", ligatures "ﬁ", ℌ, ²…).
//   3. lower-case (after normalisation, never before: U+212A lower-cases to a plain "k"), and
//      refuse when the lower-cased form is not NFKC-stable.
//   4. refuse characters drawn as nothing (format characters, Default_Ignorable_Code_Point).
//   5. refuse mixed scripts, per part (the local part and each domain label): the letters of a
//      part must be of one script, or of one of the CJK sets UTS #39 "highly restrictive" allows
//      ({Latin, Han, Hiragana, Katakana}, {Latin, Han, Bopomofo}, {Latin, Han, Hangul}). Common
//      and Inherited characters (digits, punctuation, combining marks) belong to every script.
//   6. refuse a part that is drawn exactly like a plain-ASCII one (its UTS #39 confusables skeleton
//      is ASCII: "асе" for "ace", "ɡo" for "go"), or an i/j with an added dot above.
import { BadRequest } from "../shared/errors";
import unhomoglyph from "unhomoglyph";
import { SCRIPTS } from "./scripts";

// Deliberately simple (no quoted local parts), but no spaces, control characters or the characters
// that would make an address ambiguous in a mail header; the domain is dotted labels. Invisible and
// format characters (zero-width space, bidi marks, soft hyphen: \p{Cf}), every other character
// Unicode says is drawn as nothing (Default_Ignorable_Code_Point: the combining grapheme joiner,
// variation selectors, Hangul fillers), private-use, unassigned and lone surrogate code points, and
// U+FFFD (what a lone surrogate becomes in JSON) are refused: they make two addresses that look the same.
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
const EMAIL_PATTERN = /^[^\s\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Z}\uFFFD@<>()[\]\\,;:"]+@[\p{L}\p{M}\p{N}-]+(?:\.[\p{L}\p{M}\p{N}-]+)+$/u;

/** Why an address is refused: the kind, and the characters or scripts at fault (empty for "invalid"). */
export type EmailRefusal = { kind: "invalid" | "look_alike" | "mixed_scripts"; detail: string };

const PROBLEMS: Record<EmailRefusal["kind"], (detail: string) => string> = {
  invalid: () => "Enter a valid email address",
  look_alike: (chars) => `This email address contains characters that look like others (${chars}); type it with ordinary letters`,
  mixed_scripts: (mix) =>
    `This email address mixes letters of different scripts (${mix}), which is how look-alike addresses are made; type it with the letters of one script`,
};

const CJK_SETS = [new Set(["Latin", "Han", "Hiragana", "Katakana"]), new Set(["Latin", "Han", "Bopomofo"]), new Set(["Latin", "Han", "Hangul"])];

export type EmailCheck = { ok: true; email: string } | ({ ok: false; problem: string } & EmailRefusal);

function refuse(kind: EmailRefusal["kind"], detail = ""): EmailCheck {
  return { ok: false, kind, detail, problem: PROBLEMS[kind](detail) };
}

function codePoints(chars: Iterable<string>): string {
  const unique = [...new Set(chars)].slice(0, 5);
  return unique.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`).join(", ");
}

function scriptOf(char: string): string | null {
  for (const [name, pattern] of SCRIPTS) if (pattern.test(char)) return name === "Common" || name === "Inherited" ? null : name;
  return null;
}

/**
 * True when the part is not plain ASCII but is drawn exactly like a plain-ASCII one: its UTS #39
 * skeleton (Unicode's confusables data, through `unhomoglyph`) is ASCII — "асе" (Cyrillic) is
 * "ace", "ɡo" (Latin script g) is "go", "հօ" (Armenian) is "ho". An "i" or "j" with a dot above
 * added (what "İ" lower-cases to) is drawn as the plain letter too.
 */
function asciiLookalike(part: string): boolean {
  if (/^[\x00-\x7f]*$/.test(part)) return false;
  if (/[ij]\u0307/.test(part)) return true;
  return /^[\x00-\x7f]*$/.test(unhomoglyph(part));
}

/** The scripts of a part's letters, when they are more than one allowed set; null when fine. */
function mixedScripts(part: string): string[] | null {
  const scripts = new Set<string>();
  for (const char of part) {
    const script = scriptOf(char);
    if (script) scripts.add(script);
  }
  if (scripts.size <= 1) return null;
  return CJK_SETS.some((allowed) => [...scripts].every((s) => allowed.has(s))) ? null : [...scripts];
}

/** The stored form of an address, or why it is refused (a sentence for a 400). */
export function checkEmail(value: string): EmailCheck {
  const composed = value.trim().normalize("NFC");
  const singletons = [...value.trim()].filter((c) => c.normalize("NFC") !== c);
  if (singletons.length > 0) return refuse("look_alike", codePoints(singletons));
  if (composed.normalize("NFKC") !== composed) {
    return refuse("look_alike", codePoints([...composed].filter((c) => c.normalize("NFKC") !== c)));
  }
  const invisible = [...composed].filter((c) => INVISIBLE.test(c));
  if (invisible.length > 0) return refuse("look_alike", codePoints(invisible));
  const email = composed.toLowerCase().normalize("NFC");
  if (email.normalize("NFKC") !== email) return refuse("look_alike", codePoints([...email].filter((c) => c.normalize("NFKC") !== c)));
  if (!isValidEmail(email)) return refuse("invalid");
  const at = email.lastIndexOf("@");
  for (const part of [email.slice(0, at), ...email.slice(at + 1).split(".")]) {
    const scripts = mixedScripts(part);
    if (scripts) return refuse("mixed_scripts", `${scripts.join(" and ")} in "${part}"`);
    if (asciiLookalike(part)) return refuse("look_alike", codePoints([...part].filter((c) => c.charCodeAt(0) > 0x7f)));
  }
  return { ok: true, email };
}

/**
 * For look-ups only (sign-in by email): the stored form, or, for an address the rule refuses, the
 * trimmed input unchanged. It is never folded, so it matches no address stored by the rule.
 */
export function normaliseEmail(email: string): string {
  const check = checkEmail(email);
  return check.ok ? check.email : email.trim();
}

export function isValidEmail(email: string): boolean {
  return email.length <= 254 && EMAIL_PATTERN.test(email);
}

/** The stored form of a submitted address; 400 when the rule refuses it. */
export function parseEmail(value: string): string {
  const check = checkEmail(value);
  if (!check.ok) throw new BadRequest(check.problem);
  return check.email;
}
