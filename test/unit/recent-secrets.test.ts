// The hashes of recently working tokens are kept so a token's next use skips the SHA-256. That
// shortcut must find exactly what a look-up by the token's own hash finds, whatever was revoked,
// whichever other secrets share its entry, and however full the cache is.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { RecentSecrets } from "../../src/auth/recent-secrets";
import { generatePat, hashSecret } from "../../src/auth/pat-format";
import { sameSecretOfKnownLength } from "../../src/shared/signing";

function countingHash() {
  const counted = { calls: 0, hash: (secret: string) => (counted.calls++, hashSecret(secret)) };
  return counted;
}

describe("RecentSecrets.find", () => {
  test("a working token is hashed once, then found from its entry", () => {
    const pat = generatePat();
    const live = new Map([[hashSecret(pat), "token-1"]]);
    const counted = countingHash();
    const recent = new RecentSecrets({ hash: counted.hash });
    for (let i = 0; i < 5; i++) expect(recent.find(pat, (h) => live.get(h))).toBe("token-1");
    expect(counted.calls).toBe(1);
  });

  test("a secret that finds nothing is not kept, and is hashed on every use", () => {
    const counted = countingHash();
    const recent = new RecentSecrets({ hash: counted.hash });
    const forged = generatePat();
    for (let i = 0; i < 3; i++) expect(recent.find(forged, () => undefined)).toBeUndefined();
    expect(counted.calls).toBe(3);
    expect(recent.size).toBe(0);
  });

  test("a revoked token is not found from its entry, and the entry goes", () => {
    const pat = generatePat();
    const live = new Map([[hashSecret(pat), "token-1"]]);
    const recent = new RecentSecrets();
    expect(recent.find(pat, (h) => live.get(h))).toBe("token-1");
    live.clear();
    expect(recent.find(pat, (h) => live.get(h))).toBeUndefined();
    expect(recent.size).toBe(0);
  });

  test("a secret that shares another's entry is never answered with that secret's hash", () => {
    const [kept, other] = [generatePat(), generatePat()];
    const live = new Map([[hashSecret(kept), "kept's token"]]);
    const recent = new RecentSecrets({ keyOf: () => 7 });
    expect(recent.find(kept, (h) => live.get(h))).toBe("kept's token");
    // Same key, same length, one character apart: still its own hash, so nothing is found.
    const nearMiss = kept.slice(0, -1) + (kept.endsWith("A") ? "B" : "A");
    expect(recent.find(nearMiss, (h) => live.get(h))).toBeUndefined();
    expect(recent.find(other, (h) => live.get(h))).toBeUndefined();
    expect(recent.find(kept, (h) => live.get(h))).toBe("kept's token");
  });

  test("the cache stays within its size, and a dropped token is still found by hashing it", () => {
    const pats = Array.from({ length: 20 }, () => generatePat());
    const live = new Map(pats.map((p, i) => [hashSecret(p), i]));
    const recent = new RecentSecrets({ size: 5 });
    for (const p of pats) recent.find(p, (h) => live.get(h));
    expect(recent.size).toBe(5);
    pats.forEach((p, i) => expect(recent.find(p, (h) => live.get(h))).toBe(i));
  });

  test("model: after any sequence of uses, revocations and new tokens it finds what a look-up by hash finds", () => {
    const pool = Array.from({ length: 6 }, () => generatePat());
    const step = fc.oneof(
      fc.record({ kind: fc.constant("use" as const), i: fc.nat(pool.length - 1) }),
      fc.record({ kind: fc.constant("revoke" as const), i: fc.nat(pool.length - 1) }),
      fc.record({ kind: fc.constant("issue" as const), i: fc.nat(pool.length - 1) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer({ min: 1, max: 4 }), fc.nat(3), (steps, size, keys) => {
        const live = new Map<string, number>();
        // Few keys, so secrets share entries as often as not.
        const recent = new RecentSecrets({ size, keyOf: (s) => s.charCodeAt(s.length - 1) % (keys + 1) });
        for (const { kind, i } of steps) {
          const secret = pool[i]!;
          if (kind === "revoke") live.delete(hashSecret(secret));
          else if (kind === "issue") live.set(hashSecret(secret), i);
          else expect(recent.find(secret, (h) => live.get(h))).toBe(live.get(hashSecret(secret)));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("sameSecretOfKnownLength", () => {
  test("equal only for the same string", () => {
    const pat = generatePat();
    expect(sameSecretOfKnownLength(pat, pat.slice())).toBe(true);
    expect(sameSecretOfKnownLength(pat, `${pat.slice(0, 5)}x${pat.slice(6)}`)).toBe(false);
    expect(sameSecretOfKnownLength(pat, pat.slice(0, -1))).toBe(false);
    expect(sameSecretOfKnownLength("", "")).toBe(true);
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => sameSecretOfKnownLength(a, b) === (a === b)));
  });

  // Random pairs almost never differ in one place, so a comparison that skipped a position or a bit
  // (a case-blind one, one that kept only each code unit's low byte) would pass the property above.
  test("one flipped bit of any code unit, at any position, is a different secret", () => {
    const pat = generatePat();
    for (let i = 0; i < pat.length; i++) {
      for (let bit = 0; bit < 16; bit++) {
        const flipped = pat.slice(0, i) + String.fromCharCode(pat.charCodeAt(i) ^ (1 << bit)) + pat.slice(i + 1);
        expect([i, bit, sameSecretOfKnownLength(flipped, pat), sameSecretOfKnownLength(pat, flipped)]).toEqual([i, bit, false, false]);
      }
    }
  });
});
