// Passwords: argon2id through Bun.password (m=64 MiB, t=2, off the main thread when awaited).
// The cost is a parameter of the hasher in the app's context, not of the environment: the server
// always builds it with PRODUCTION_PASSWORD_COST, and only the test helper passes a cheaper one.
import { BadRequest, Forbidden } from "../shared/errors";
import { MIN_PASSWORD_LENGTH } from "../shared/contract";

const MAX_PASSWORD_LENGTH = 1024;

/** Throws 400 with a message a person can act on. */
export function assertPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new BadRequest(`Password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new BadRequest(`Password must be at most ${MAX_PASSWORD_LENGTH} characters`);
}

export type PasswordCost = { memoryCost: number; timeCost: number };

/** OWASP's first argon2id choice is m=19 MiB, t=2; Bun's default (and ours) is stronger: 64 MiB, t=2. */
export const PRODUCTION_PASSWORD_COST: PasswordCost = { memoryCost: 65_536, timeCost: 2 };

export class PasswordHasher {
  #dummyHash: Promise<string> | null = null;

  constructor(readonly cost: PasswordCost = PRODUCTION_PASSWORD_COST) {}

  hash(password: string): Promise<string> {
    return Bun.password.hash(password, { algorithm: "argon2id", ...this.cost });
  }

  /**
   * Verifies a password against a stored hash (its own parameters are in it). With no hash (unknown
   * email, or a user who never set a password) it still verifies against a dummy of this hasher's
   * cost, so both answers take the same time.
   */
  async verify(password: string, hash: string | null): Promise<boolean> {
    if (!hash) {
      this.#dummyHash ??= this.hash("agnes-timing-equaliser");
      await Bun.password.verify(password, await this.#dummyHash).catch(() => false);
      return false;
    }
    return Bun.password.verify(password, hash).catch(() => false);
  }
}

export const PASSWORD_LOGIN_OFF = "Password sign-in is turned off on this server: sign in with single sign-on, or use a personal access token";

/** With PASSWORD_LOGIN=off every password path is closed: signing in, setting, resetting or changing one. */
export function assertPasswordsInUse(config: { sso: { passwordLogin: boolean } }): void {
  if (!config.sso.passwordLogin) throw new Forbidden(PASSWORD_LOGIN_OFF);
}
