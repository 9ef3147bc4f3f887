// Login throttling: at most MAX_FAILURES failed sign-ins per account and per client IP within the
// window; beyond that, 429 with Retry-After until the oldest failure leaves the window. Kept in
// memory (one process); the map is pruned as it is used and capped in size.
import type { Clock } from "../clock";
import { TooManyRequests } from "./errors";

const MAX_KEYS = 100_000;

export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly maxFailures = 10,
    private readonly windowMs = 15 * 60_000,
  ) {}

  /** Throws 429 when any of the keys (e.g. `email:x`, `ip:y`) has used up its failures. */
  check(keys: string[]): void {
    const now = this.clock.now().getTime();
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.maxFailures) {
        const retryAfter = Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000));
        throw new TooManyRequests(
          `Too many failed sign-in attempts. Try again in ${Math.ceil(retryAfter / 60)} minute(s).`,
          retryAfter,
        );
      }
    }
  }

  recordFailure(keys: string[]): void {
    const now = this.clock.now().getTime();
    if (this.failures.size > MAX_KEYS) this.failures.clear();
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length === 0) this.failures.delete(key);
    return list;
  }
}
