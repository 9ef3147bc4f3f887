// One SSO sign-in attempt, from /start to /callback. Its `state`, `nonce` and PKCE verifier are
// random, travel in a short-lived cookie signed with the server's key (HMAC, with its own label so
// no other signed value of ours can pass as one) and so are bound to the browser that started it.
// Each attempt is single use: the callback clears the cookie, and the server remembers spent
// attempts until they would have expired anyway, so a replayed callback (cookie included) fails.
// Nothing is stored for an attempt that is only started: a flood of /start requests costs no memory.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Clock } from "../../clock";

export const ATTEMPT_COOKIE = "agnes_oidc";
/** The cookie is sent only to the callback's path. */
export const ATTEMPT_COOKIE_PATH = "/auth/oidc/";
export const ATTEMPT_TTL_MS = 10 * 60_000;
const MAX_SPENT = 100_000;

export type Attempt = { provider: string; state: string; nonce: string; verifier: string; next: string; expiresAt: number };

export type AttemptCheck = { ok: true; attempt: Attempt } | { ok: false; reason: "attempt_missing" | "state_mismatch" | "attempt_expired" | "attempt_replayed" };

function signature(payload: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(`oidc-attempt:${payload}`).digest();
}

export function sealAttempt(attempt: Attempt, secret: string): string {
  const payload = Buffer.from(JSON.stringify(attempt)).toString("base64url");
  return `${payload}.${signature(payload, secret).toString("base64url")}`;
}

function unseal(value: string, secret: string): Attempt | null {
  const [payload = "", mac = ""] = value.split(".");
  const given = Buffer.from(mac, "base64url");
  const expected = signature(payload, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Attempt;
    return typeof parsed.state === "string" && typeof parsed.nonce === "string" && typeof parsed.verifier === "string" ? parsed : null;
  } catch {
    return null;
  }
}

/** Attempts that reached their callback once; kept until their expiry, bounded in number. */
export class SpentAttempts {
  private readonly spent = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /**
   * Checks the cookie against the callback's provider and `state` and marks the attempt spent.
   * Synchronous, so two copies of one callback arriving together cannot both pass.
   */
  spend(cookie: string | undefined, provider: string, state: string | undefined, secret: string): AttemptCheck {
    if (!cookie) return { ok: false, reason: "attempt_missing" };
    const attempt = unseal(cookie, secret);
    if (!attempt || attempt.provider !== provider || typeof state !== "string" || !equal(attempt.state, state)) {
      return { ok: false, reason: "state_mismatch" };
    }
    const now = this.clock.now().getTime();
    if (attempt.expiresAt <= now) return { ok: false, reason: "attempt_expired" };
    this.prune(now);
    if (this.spent.has(attempt.state)) return { ok: false, reason: "attempt_replayed" };
    this.spent.set(attempt.state, attempt.expiresAt);
    while (this.spent.size > MAX_SPENT) this.spent.delete(this.spent.keys().next().value!);
    return { ok: true, attempt };
  }

  private prune(now: number): void {
    for (const [state, expiresAt] of this.spent) {
      if (expiresAt > now) break; // insertion order is expiry order (every attempt lives ATTEMPT_TTL_MS)
      this.spent.delete(state);
    }
  }
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
