// Authorization codes: 60 seconds, single use, only in memory (a restart just means signing in
// again) and only as hashes. `take` is synchronous, so of two redemptions sent at once exactly one
// gets the code. A code presented again after it was redeemed names the grant it produced, which the
// token endpoint then revokes (OAuth 2.1 §4.1.3: the code may have been stolen).
import { LRUCache } from "lru-cache";
import type { Clock } from "../../clock";
import { generateOAuthSecret, isOAuthSecret } from "../../auth/oauth-format";
import { hashSecret } from "../../auth/pat-format";
import type { OAuthScope } from "./model";

export const CODE_TTL_MS = 60_000;
const MAX_PENDING = 10_000;

export type PendingCode = {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  resource: string;
  scopes: OAuthScope[];
  userId: string;
  /** The browser session that consented: a code outlives neither it nor the account. */
  sessionId: string;
  expiresAt: number;
};

export type TakenCode = { kind: "fresh"; code: PendingCode } | { kind: "replayed"; grantId: string | null } | { kind: "unknown" };

export class AuthorizationCodes {
  readonly #pending = new LRUCache<string, PendingCode>({ max: MAX_PENDING });
  /** Redeemed codes (for CODE_TTL_MS more), with the grant each produced once it exists. */
  readonly #redeemed = new LRUCache<string, { grantId: string | null; replayed: boolean }>({ max: MAX_PENDING, ttl: CODE_TTL_MS });

  constructor(private readonly clock: Clock) {}

  issue(code: Omit<PendingCode, "expiresAt">): string {
    const raw = generateOAuthSecret("code");
    this.#pending.set(hashSecret(raw), { ...code, expiresAt: this.clock.now().getTime() + CODE_TTL_MS });
    return raw;
  }

  take(raw: string): TakenCode {
    if (!isOAuthSecret("code", raw)) return { kind: "unknown" };
    const hash = hashSecret(raw);
    const code = this.#pending.get(hash);
    if (!code) {
      const redeemed = this.#redeemed.get(hash);
      if (!redeemed) return { kind: "unknown" };
      // Replayed before its first redemption finished: that one learns of it in `produced`.
      redeemed.replayed = true;
      return { kind: "replayed", grantId: redeemed.grantId };
    }
    this.#pending.delete(hash);
    this.#redeemed.set(hash, { grantId: null, replayed: false });
    return code.expiresAt > this.clock.now().getTime() ? { kind: "fresh", code } : { kind: "unknown" };
  }

  /** Records which grant a redeemed code produced, so a later replay can end it; true when it was replayed already. */
  produced(raw: string, grantId: string): boolean {
    const redeemed = this.#redeemed.get(hashSecret(raw));
    if (!redeemed) return false;
    redeemed.grantId = grantId;
    return redeemed.replayed;
  }
}
