// The signer keeps the claims of tokens it has verified; that shortcut must never accept a token
// the full check would refuse.
import { describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/clock";
import { SessionSigner } from "../../src/auth/session-signer";

const SECRET = "s".repeat(40);
const HOUR = 3_600_000;

async function signedToken(clock: FakeClock, signer = new SessionSigner(SECRET, clock)) {
  const expiresAt = new Date(clock.now().getTime() + HOUR);
  const token = await signer.sign({ userId: "u1", jti: "s1", email: "a@example.com", role: "analyst", expiresAt });
  return { signer, token };
}

describe("SessionSigner.verify", () => {
  test("a token verifies again after it was cached, with the same claims", async () => {
    const clock = new FakeClock();
    const { signer, token } = await signedToken(clock);
    const first = await signer.verify(token);
    expect(first).toMatchObject({ sub: "u1", jti: "s1" });
    expect(await signer.verify(token)).toEqual(first);
  });

  test("a cached token stops verifying once it has expired", async () => {
    const clock = new FakeClock();
    const { signer, token } = await signedToken(clock);
    expect(await signer.verify(token)).not.toBeNull();
    clock.advance(HOUR + 1000);
    expect(await signer.verify(token)).toBeNull();
    expect(await signer.verify(token)).toBeNull();
  });

  test("a token altered by one character is refused even when the original is cached", async () => {
    const clock = new FakeClock();
    const { signer, token } = await signedToken(clock);
    await signer.verify(token);
    const last = token.at(-2) === "A" ? "B" : "A";
    const tampered = token.slice(0, -2) + last + token.slice(-1);
    expect(await signer.verify(tampered)).toBeNull();
  });

  test("a token signed with another key is refused", async () => {
    const clock = new FakeClock();
    const { token } = await signedToken(clock, new SessionSigner("o".repeat(40), clock));
    expect(await new SessionSigner(SECRET, clock).verify(token)).toBeNull();
  });
});
