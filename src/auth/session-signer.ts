// Session tokens are HS256 JWTs signed through @elysiajs/jwt. The claims carry the session id (jti);
// the server-side session record decides whether it still works, and the role is always read from
// the auth state, never from the claim (clients may read `email`/`role` for display).
import { jwt } from "@elysiajs/jwt";
import type { Clock } from "../clock";
import type { Role } from "../shared/contract";

export type SessionClaims = { sub: string; jti: string; exp: number; iat?: number };

export class SessionSigner {
  private readonly jwt;

  constructor(secret: string, private readonly clock: Clock) {
    this.jwt = jwt({ name: "jwt", secret, alg: "HS256" }).decorator.jwt;
  }

  sign(claims: { userId: string; sessionId: string; email: string; role: Role; expiresAt: Date }): Promise<string> {
    return this.jwt.sign({
      sub: claims.userId,
      jti: claims.sessionId,
      email: claims.email,
      role: claims.role,
      typ: "session",
      exp: Math.floor(claims.expiresAt.getTime() / 1000),
    });
  }

  /** The claims of a valid, unexpired session token, else null. */
  async verify(token: string): Promise<SessionClaims | null> {
    const payload = await this.jwt.verify(token, { currentDate: this.clock.now(), algorithms: ["HS256"] });
    if (!payload || payload.typ !== "session") return null;
    if (typeof payload.sub !== "string" || typeof payload.jti !== "string" || typeof payload.exp !== "number") return null;
    return { sub: payload.sub, jti: payload.jti, exp: payload.exp, iat: payload.iat };
  }
}
