// One SSO sign-in attempt, from /start to /callback. Its `state`, `nonce` and PKCE verifier are
// random, travel in a short-lived cookie signed with the server's key (HMAC, with its own label so
// no other signed value of ours can pass as one) and so are bound to the browser that started it.
// Each attempt is single use: the callback clears the cookie, and the server remembers spent
// attempts until they would have expired anyway, so a replayed callback (cookie included) fails.
// Nothing is stored for an attempt that is only started: a flood of /start requests costs no memory.
import { sameSecret, seal, unseal as unsealValue } from "../../shared/signing";
import { LRUCache } from "lru-cache";
import type { Clock } from "../../clock";

export const ATTEMPT_COOKIE = "agnes_oidc";
/** The cookie is sent only to the callback's path. */
export const ATTEMPT_COOKIE_PATH = "/auth/oidc/";
export const ATTEMPT_TTL_MS = 10 * 60_000;
const MAX_SPENT = 100_000;

/** `invite`: the token hash of the invitation this sign-in accepts (from the /invite page), if any. */
export type Attempt = { provider: string; state: string; nonce: string; verifier: string; next: string; expiresAt: number; invite?: string };

export type AttemptCheck =
  | { ok: true; attempt: Attempt }
  | { ok: false; reason: "attempt_missing" | "state_mismatch" | "attempt_expired" | "attempt_replayed" };

export function sealAttempt(attempt: Attempt, secret: string): string {
  return seal("oidc-attempt", attempt, secret);
}

function unseal(value: string, secret: string): Attempt | null {
  const parsed = unsealValue("oidc-attempt", value, secret) as Attempt | null;
  return parsed && typeof parsed.state === "string" && typeof parsed.nonce === "string" && typeof parsed.verifier === "string" ? parsed : null;
}

/** Attempts that reached their callback once; kept until their expiry, bounded in number. */
export class SpentAttempts {
  /** state → expiry; bounded, the oldest spent first (every attempt lives ATTEMPT_TTL_MS). */
  private readonly spent = new LRUCache<string, number>({ max: MAX_SPENT });

  constructor(private readonly clock: Clock) {}

  /**
   * Checks the cookie against the callback's provider and `state` and marks the attempt spent.
   * Synchronous, so two copies of one callback arriving together cannot both pass.
   */
  spend(cookie: string | undefined, provider: string, state: string | undefined, secret: string): AttemptCheck {
    if (!cookie) return { ok: false, reason: "attempt_missing" };
    const attempt = unseal(cookie, secret);
    if (!attempt || attempt.provider !== provider || typeof state !== "string" || !sameSecret(state, attempt.state)) {
      return { ok: false, reason: "state_mismatch" };
    }
    const now = this.clock.now().getTime();
    if (attempt.expiresAt <= now) return { ok: false, reason: "attempt_expired" };
    if (this.spent.has(attempt.state)) return { ok: false, reason: "attempt_replayed" };
    this.spent.set(attempt.state, attempt.expiresAt);
    return { ok: true, attempt };
  }
}
