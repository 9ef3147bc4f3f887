// The failure limiter: slots are claimed before the secret is checked, so concurrency cannot
// multiply the budget, and its memory is bounded without ever forgetting everything.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { FakeClock } from "../../src/clock";
import { FailureLimiter, FAILURE_WINDOW_MS, MAX_FAILURES } from "../../src/http/failure-limiter";
import { HttpError } from "../../src/shared/errors";
import { clientIp } from "../../src/http/client-ip";

const slowCheck = (result: boolean, counter: { checks: number }) => async () => {
  counter.checks++;
  await Bun.sleep(5);
  return result;
};

describe("FailureLimiter", () => {
  test("N parallel wrong guesses run at most MAX_FAILURES checks; the rest are refused with 429 at once", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60 }), async (n) => {
        const limiter = new FailureLimiter(new FakeClock());
        const counter = { checks: 0 };
        const results = await Promise.allSettled(Array.from({ length: n }, () => limiter.guard(["account:a"], "tries", slowCheck(false, counter), (ok) => ok)));
        const refused = results.filter((r) => r.status === "rejected" && (r.reason as HttpError).status === 429);
        expect(counter.checks).toBe(Math.min(n, MAX_FAILURES));
        expect(refused).toHaveLength(Math.max(0, n - MAX_FAILURES));
      }),
      { numRuns: 15 },
    );
  });

  test("a success gives its slot back; failures leave the window after 15 minutes", async () => {
    const clock = new FakeClock();
    const limiter = new FailureLimiter(clock);
    const counter = { checks: 0 };
    for (let i = 0; i < 50; i++) await limiter.guard(["k"], "tries", slowCheck(true, counter), (ok) => ok);
    for (let i = 0; i < MAX_FAILURES; i++) await limiter.guard(["k"], "tries", slowCheck(false, counter), (ok) => ok);
    let refusal: unknown;
    try {
      limiter.claim(["k"], "tries");
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(HttpError);
    expect((refusal as HttpError).status).toBe(429);
    expect(Number((refusal as HttpError).headers["retry-after"])).toBeGreaterThan(0);
    expect((refusal as HttpError).message).toMatch(/^Too many tries\. Try again in 15 minute\(s\)\.$/);
    clock.advance(FAILURE_WINDOW_MS + 1);
    expect(() => limiter.claim(["k"], "tries")).not.toThrow();
  });

  test("a claim is all or nothing: one full key refuses it without charging the others", () => {
    const limiter = new FailureLimiter(new FakeClock());
    for (let i = 0; i < MAX_FAILURES; i++) limiter.claim(["ip:1"], "tries");
    expect(() => limiter.claim(["ip:1", "account:a"], "tries")).toThrow();
    for (let i = 0; i < MAX_FAILURES; i++) limiter.claim(["account:a"], "tries");
    expect(() => limiter.claim(["account:a"], "tries")).toThrow();
  });

  test("a flood of cheap new keys does not push out a used-up key (a fresh budget for the attacker)", () => {
    const limiter = new FailureLimiter(new FakeClock(), MAX_FAILURES, FAILURE_WINDOW_MS, 100);
    for (let i = 0; i < MAX_FAILURES; i++) limiter.claim(["account:victim"], "tries");
    for (let i = 0; i < 10_000; i++) limiter.claim([`ip:198.51.100.${i}`], "tries");
    expect(limiter.size).toBe(100);
    expect(() => limiter.claim(["account:victim"], "tries")).toThrow();
  });

  test("memory is bounded by evicting the least recently touched keys, never by forgetting all of them", () => {
    const limiter = new FailureLimiter(new FakeClock(), MAX_FAILURES, FAILURE_WINDOW_MS, 100);
    for (let i = 0; i < MAX_FAILURES; i++) limiter.claim(["victim"], "tries");
    // An attacker floods the map with new keys, touching the victim's key in between.
    for (let i = 0; i < 1_000; i++) {
      try {
        limiter.claim([`flood:${i}`], "tries");
        if (i % 50 === 0) limiter.claim(["victim"], "tries");
      } catch {
        // the victim's key stays full: that is the point
      }
    }
    expect(limiter.size).toBe(100);
    expect(() => limiter.claim(["victim"], "tries")).toThrow();
  });
});

describe("clientIp", () => {
  const server = { requestIP: () => ({ address: "127.0.0.1" }) };
  const request = (forwarded: string) => new Request("http://localhost/", { headers: { "x-forwarded-for": forwarded } });
  test("with TRUST_PROXY the last X-Forwarded-For entry counts only when it is an IP address", () => {
    expect(clientIp(request("10.0.0.1, 203.0.113.7"), server, { trustProxy: true })).toBe("203.0.113.7");
    expect(clientIp(request("2001:db8::1"), server, { trustProxy: true })).toBe("2001:db8::1");
    for (const junk of ["x".repeat(16_000), "203.0.113.7 junk", "not-an-ip", "203.0.113.999", ""]) {
      expect(clientIp(request(`10.0.0.1, ${junk}`), server, { trustProxy: true })).toBe("127.0.0.1");
    }
    expect(clientIp(request("203.0.113.7"), server, { trustProxy: false })).toBe("127.0.0.1");
  });
});
