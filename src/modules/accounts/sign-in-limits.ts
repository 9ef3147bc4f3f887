// Which failure budgets a sign-in attempt draws on (see src/http/failure-limiter.ts for the
// mechanics, README "Security choices" for the policy):
//   ip:<ip>          10 failures / 15 min from one client address, across all accounts: one client
//                    cannot spray a password over many accounts.
//   account:<email>  10 failures / 15 min against one account from clients that are not known for it:
//                    many addresses together cannot guess faster than one.
// A client (address) that signed in to the account successfully in the last 30 days is "known" and
// draws only on its own address's budget, so an attacker who exhausts the account budget slows
// guessing down without locking the owner out of their usual client.
import { LRUCache } from "lru-cache";
import type { Clock } from "../../clock";

const KNOWN_FOR_MS = 30 * 24 * 3_600_000;
const MAX_KNOWN = 100_000;

export class SignInLimits {
  /** "email ip" → until when; the least recently signed-in pairs go first beyond MAX_KNOWN. */
  private readonly known = new LRUCache<string, number>({ max: MAX_KNOWN });

  constructor(private readonly clock: Clock) {}

  keysFor(email: string, ip: string | null): string[] {
    if (!ip) return [`account:${email}`];
    return this.isKnown(email, ip) ? [`ip:${ip}`] : [`ip:${ip}`, `account:${email}`];
  }

  /** A successful sign-in makes this address a known client of the account. */
  remember(email: string, ip: string | null): void {
    if (!ip) return;
    this.known.set(`${email} ${ip}`, this.clock.now().getTime() + KNOWN_FOR_MS);
  }

  private isKnown(email: string, ip: string): boolean {
    // peek: checking a client must not make it look recent.
    return (this.known.peek(`${email} ${ip}`) ?? 0) > this.clock.now().getTime();
  }
}
