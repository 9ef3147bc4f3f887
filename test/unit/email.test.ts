// The one email rule (src/auth/email.ts): look-alike addresses are refused, never folded onto
// ordinary ones, and the stored form is a fixed point of the rule.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { checkEmail, normaliseEmail, parseEmail } from "../../src/auth/email";
import { SCRIPTS } from "../../src/auth/scripts";

const refused = (value: string) => {
  const check = checkEmail(value);
  return check.ok ? `accepted as ${check.email}` : check.problem;
};

test("ordinary addresses: trimmed, lower-cased, NFC; e + accent is é", () => {
  expect(parseEmail("  Pat@Team.Example ")).toBe("pat@team.example");
  expect(parseEmail("jose\u0301@example.com")).toBe("jos\u00e9@example.com");
  expect(parseEmail("müller@bücher.de")).toBe("müller@bücher.de");
  expect(parseEmail("иван@пример.рф")).toBe("иван@пример.рф");
  expect(parseEmail("山田たろう@例え.jp")).toBe("山田たろう@例え.jp");
  expect(parseEmail("김철수@회사.kr")).toBe("김철수@회사.kr");
  // Latin beside CJK in one part is "highly restrictive" (UTS #39), like ASCII digits anywhere.
  expect(parseEmail("tanaka山田2@example.jp")).toBe("tanaka山田2@example.jp");
});

test("the Kelvin sign, the Ohm and Ångström signs are refused, not folded onto K, Ω, Å", () => {
  expect(refused("\u212Aate@corp.example")).toBe("This email address contains characters that look like others (U+212A); type it with ordinary letters");
  expect(refused("\u212Bngstrom@corp.example")).toContain("U+212B");
  expect(refused("\u2126mega@corp.example")).toContain("U+2126");
  // As a look-up key it is never folded either: it matches no stored address.
  expect(normaliseEmail("\u212Aate@corp.example")).toBe("\u212Aate@corp.example");
});

test("fullwidth letters, ligatures and other compatibility characters are refused", () => {
  expect(refused("\uFF4Bate@corp.example")).toContain("U+FF4B");
  expect(refused("admin@\uFF43orp.example")).toContain("U+FF43");
  expect(refused("\uFB01nance@corp.example")).toContain("U+FB01");
  expect(refused("x\u00B2@corp.example")).toContain("U+00B2");
  expect(refused("\u210Cello@corp.example")).toContain("U+210C");
});

test("mixed scripts in one part are refused; each domain label is a part of its own", () => {
  expect(refused("p\u0430ypal@corp.example")).toBe(
    'This email address mixes letters of different scripts (Latin and Cyrillic in "pаypal"), which is how look-alike addresses are made; type it with the letters of one script',
  );
  expect(refused("admin@c\u043Erp.example")).toContain("Cyrillic");
  expect(refused("admin@corp.\u0435xample")).toContain("Cyrillic");
  expect(refused("\u03B1\u03BB\u03C6\u03B1@corp.example")).toBe("accepted as \u03B1\u03BB\u03C6\u03B1@corp.example");
  expect(refused("\u03B1lpha@corp.example")).toContain("Greek and Latin");
  // Latin in the local part, Cyrillic in the domain: two parts, each of one script.
  expect(refused("ivan@пример.рф")).toBe("accepted as ivan@пример.рф");
  expect(refused("kim한국@corp.example")).toBe("accepted as kim한국@corp.example");
  expect(refused("한국ひら@corp.example")).toContain("Hangul and Hiragana");
});

test("every letter Unicode knows has a script in the list the rule uses", () => {
  let missing = 0;
  for (let cp = 0; cp < 0x110000; cp++) {
    if (cp >= 0xd800 && cp < 0xe000) continue;
    const c = String.fromCodePoint(cp);
    if (/\p{L}/u.test(c) && !SCRIPTS.some(([, pattern]) => pattern.test(c))) missing++;
  }
  expect(missing).toBe(0);
});

const pieces = [
  "a",
  "k",
  "K",
  "é",
  "e\u0301",
  "\u212A",
  "\uFF4B",
  "\u0430",
  "\u03B1",
  "\uFB01",
  "ß",
  "İ",
  "ı",
  "山",
  "ひ",
  ".",
  "-",
  "1",
  "\u0301",
  "Σ",
  "ς",
  "ǅ",
];
const address = fc
  .tuple(
    fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 6 }),
    fc.array(fc.constantFrom(...pieces.filter((p) => p !== ".")), { minLength: 1, maxLength: 5 }),
  )
  .map(([local, domain]) => `${local.join("")}@${domain.join("")}.example`);
const anyAddress = fc.oneof(
  address,
  fc.string({ unit: "binary", maxLength: 30 }).map((s) => `${s}@corp.example`),
);

test("property: the stored form is a fixed point (idempotent) and NFKC-stable", () => {
  fc.assert(
    fc.property(anyAddress, (value) => {
      const check = checkEmail(value);
      if (!check.ok) return;
      expect(checkEmail(check.email)).toEqual({ ok: true, email: check.email });
      expect(check.email.normalize("NFKC")).toBe(check.email);
      expect(check.email.toLowerCase()).toBe(check.email);
    }),
    { numRuns: 3000 },
  );
});

test("property: a refused address never becomes an accepted one by its look-up key, nor by case", () => {
  fc.assert(
    fc.property(anyAddress, (value) => {
      if (checkEmail(value).ok) return;
      // The look-up key of a refused address is itself refused: it can match no stored account.
      expect(checkEmail(normaliseEmail(value)).ok).toBe(false);
      expect(() => parseEmail(value)).toThrow();
    }),
    { numRuns: 3000 },
  );
});

test("property: two different accepted inputs that give one stored form differ only by case, spaces or NFC", () => {
  fc.assert(
    fc.property(address, address, (a, b) => {
      const x = checkEmail(a);
      const y = checkEmail(b);
      if (!x.ok || !y.ok || x.email !== y.email) return;
      expect(a.trim().normalize("NFC").toLowerCase()).toBe(b.trim().normalize("NFC").toLowerCase());
    }),
    { numRuns: 3000 },
  );
});
