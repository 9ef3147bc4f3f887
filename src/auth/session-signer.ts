// Session tokens are HS256 JWTs, signed and verified by @elysiajs/jwt through its public API: the
// plugin's `jwt` decorator (`sign`, `verify`), taken from the plugin instance once, so signing needs
// no request context. `verify` gets jose's options: HS256 only, and the app's clock for `exp`.
// The plugin always stamps `iat` with the system clock (it ignores a given `iat`), so `iat` is the
// real signing time even under a test's fake clock; nothing reads it. The claims carry the session id (jti);
// the server-side session record decides whether it still works, and the role is always read from
// the auth state, never from the claim (clients may read `email`/`role` for display).
// The raw jti exists only inside the token: the server stores and names a session by its handle,
// sessionHandle(jti), so the database, the auth state, the audit trail and every backup hold
// nothing that, together with the signing key, would make a working token.
import { jwt } from "@elysiajs/jwt";
import { LRUCache } from "lru-cache";
import type { Clock } from "../clock";
import type { Role } from "../shared/contract";

/** `handle` is sessionHandle(jti): what the session is stored and named by. */
export type SessionClaims = { sub: string; jti: string; handle: string; exp: number; iat?: number };

/** The stored, public name of a session: SHA-256 (hex) of the token's jti, never the jti itself. */
export function sessionHandle(jti: string): string {
  return Bun.SHA256.hash(jti, "hex");
}

// Verifying an HS256 JWT costs about as much as the rest of an authenticated request, and it is
// asynchronous. A token string that verified once verifies again under the same key, so the claims
// of recently seen tokens are kept (bounded; least recently used dropped first), and so are those of
// every token this process signs: routes then learn who is asking without waiting (claimsIfChecked).
// A token that failed is remembered too, so a request is never checked twice. Expiry is still checked
// on every use, and whether the session still works is decided by the auth state, not here.
const VERIFIED_CACHE_SIZE = 10_000;
const REJECTED_CACHE_SIZE = 1_000;
// Our tokens are a few hundred characters; a longer one is refused without a check (and never cached).
const MAX_SESSION_TOKEN_LENGTH = 4096;

export class SessionSigner {
  private readonly jwt;
  private readonly verified = new LRUCache<string, SessionClaims>({ max: VERIFIED_CACHE_SIZE });
  private readonly rejected = new LRUCache<string, true>({ max: REJECTED_CACHE_SIZE });

  constructor(
    secret: string,
    private readonly clock: Clock,
  ) {
    this.jwt = jwt({ name: "sessionJwt", secret, alg: "HS256" }).decorator.sessionJwt;
  }

  async sign(claims: { userId: string; jti: string; email: string; role: Role; expiresAt: Date }): Promise<string> {
    const exp = Math.floor(claims.expiresAt.getTime() / 1000);
    const token = await this.jwt.sign({ sub: claims.userId, jti: claims.jti, email: claims.email, role: claims.role, typ: "session", exp });
    this.verified.set(token, { sub: claims.userId, jti: claims.jti, handle: sessionHandle(claims.jti), exp });
    return token;
  }

  /** The claims of a valid, unexpired session token, else null. */
  async verify(token: string): Promise<SessionClaims | null> {
    const checked = this.claimsIfChecked(token);
    if (checked !== undefined) return checked;
    const claims = await this.verifySignature(token);
    if (claims) this.verified.set(token, claims);
    else this.rejected.set(token, true);
    return claims;
  }

  /** What verify would answer, when that is known without a signature check; undefined when it is not. */
  claimsIfChecked(token: string): SessionClaims | null | undefined {
    if (token.length > MAX_SESSION_TOKEN_LENGTH || this.rejected.has(token)) return null;
    const known = this.verified.get(token);
    if (!known) return undefined;
    return known.exp * 1000 > this.clock.now().getTime() ? known : this.expire(token);
  }

  private async verifySignature(token: string): Promise<SessionClaims | null> {
    // false when malformed, tampered, of another algorithm or expired: no session
    const payload = await this.jwt.verify(token, { currentDate: this.clock.now(), algorithms: ["HS256"] });
    if (!payload) return null;
    if (payload.typ !== "session") return null;
    if (typeof payload.sub !== "string" || typeof payload.jti !== "string" || typeof payload.exp !== "number") return null;
    return { sub: payload.sub, jti: payload.jti, handle: sessionHandle(payload.jti), exp: payload.exp, iat: payload.iat };
  }

  /** An expired token stays refused: moved to the refused ones, so its outcome never reads "not checked" again. */
  private expire(token: string): null {
    this.verified.delete(token);
    this.rejected.set(token, true);
    return null;
  }
}
