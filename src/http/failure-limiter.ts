// Failure limits for every check of a secret (passwords, setup codes, reset links, device codes).
//
// A failure slot is claimed BEFORE the secret is checked and given back only when the check
// succeeds. Claiming is synchronous, so N guesses sent at the same moment cannot all pass a
// "fewer than max failures so far?" test while their slow checks (argon2id, a database look-up)
// are still running: at most `max` checks per key run in a window, whatever the concurrency.
//
// Memory is bounded by evicting the least recently touched keys, never by forgetting everything
// (which would hand an attacker a fresh budget by flooding the map with new keys). Eviction passes
// over keys that are used up (they are what a flood of cheap new keys would try to push out) unless
// the oldest EVICTION_SCAN keys are all used up.
import type { Clock } from "../clock";
import { TooManyRequests } from "../shared/errors";

export const MAX_FAILURES = 10;
export const FAILURE_WINDOW_MS = 15 * 60_000;
const MAX_KEYS = 100_000;
const EVICTION_SCAN = 64;

export type Claim = { readonly keys: readonly string[]; readonly at: number };

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly max = MAX_FAILURES,
    private readonly windowMs = FAILURE_WINDOW_MS,
    private readonly maxKeys = MAX_KEYS,
  ) {}

  /** Claims one failure slot under every key, or throws 429 (naming `what`) when one is used up. */
  claim(keys: readonly string[], what: string): Claim {
    const now = this.clock.now().getTime();
    const lists = keys.map((key) => this.recent(key, now));
    const full = lists.filter((list) => list.length >= this.max);
    if (full.length) {
      // A refused key is still in use (someone keeps trying): keep it among the most recent.
      keys.forEach((key, i) => this.store(key, lists[i]!));
      const retryAfter = Math.max(1, ...full.map((list) => Math.ceil((list[0]! + this.windowMs - now) / 1000)));
      throw new TooManyRequests(`Too many ${what}. Try again in ${Math.ceil(retryAfter / 60)} minute(s).`, retryAfter);
    }
    keys.forEach((key, i) => this.store(key, [...lists[i]!, now]));
    return { keys, at: now };
  }

  /** The check succeeded: the claimed slots are given back. */
  release(claim: Claim): void {
    for (const key of claim.keys) {
      const list = this.failures.get(key);
      const index = list?.lastIndexOf(claim.at) ?? -1;
      if (list && index >= 0) list.splice(index, 1);
      if (list?.length === 0) this.failures.delete(key);
    }
  }

  /** Runs `check` holding a claimed slot, which it keeps only when the check fails. */
  async guard<T>(keys: readonly string[], what: string, check: () => Promise<T>, passed: (result: T) => boolean): Promise<T> {
    const claim = this.claim(keys, what);
    const result = await check();
    if (passed(result)) this.release(claim);
    return result;
  }

  /** How many keys are tracked (for tests of the memory bound). */
  get size(): number {
    return this.failures.size;
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }

  private store(key: string, list: number[]): void {
    this.failures.delete(key);
    if (list.length === 0) return; // re-inserted last: Map order is then least recently touched first
    this.failures.set(key, list);
    while (this.failures.size > this.maxKeys) this.evictOne();
  }

  private evictOne(): void {
    let scanned = 0;
    for (const [key, list] of this.failures) {
      if (list.length < this.max) return void this.failures.delete(key);
      if (++scanned >= EVICTION_SCAN) break;
    }
    this.failures.delete(this.failures.keys().next().value!);
  }
}
