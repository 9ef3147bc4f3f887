// The one reversible secret at rest (an authenticator app's key) is sealed by src/shared/signing.ts:
// it reads back only with the same purpose and server secret, and any change to it is refused.
import { expect, test } from "bun:test";
import { decryptSecret, encryptSecret } from "../../src/shared/signing";

const KEY = "a".repeat(64);

test("encryptSecret reads back with its label and key only; a changed byte is refused", () => {
  const sealed = encryptSecret("totp-secret", "JBSWY3DPEHPK3PXP", KEY);
  expect(sealed).not.toContain("JBSWY3DPEHPK3PXP");
  expect(encryptSecret("totp-secret", "JBSWY3DPEHPK3PXP", KEY)).not.toBe(sealed);
  expect(decryptSecret("totp-secret", sealed, KEY)).toBe("JBSWY3DPEHPK3PXP");
  expect(decryptSecret("other-purpose", sealed, KEY)).toBeNull();
  expect(decryptSecret("totp-secret", sealed, "b".repeat(64))).toBeNull();
  const [v, iv, body, tag] = sealed.split(".");
  const flipped = Buffer.from(body!, "base64url");
  flipped[0] = flipped[0]! ^ 1;
  expect(decryptSecret("totp-secret", [v, iv, flipped.toString("base64url"), tag].join("."), KEY)).toBeNull();
  expect(decryptSecret("totp-secret", "not.a.sealed", KEY)).toBeNull();
});
