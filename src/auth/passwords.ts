// Passwords: argon2id through Bun.password (its default: m=64 MiB, t=2, off the main thread).
import { BadRequest, Forbidden } from "../http/errors";
import { MIN_PASSWORD_LENGTH } from "../shared/contract";

const MAX_PASSWORD_LENGTH = 1024;

/** Throws 400 with a message a person can act on. */
export function assertPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new BadRequest(`Password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new BadRequest(`Password must be at most ${MAX_PASSWORD_LENGTH} characters`);
}

export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, { algorithm: "argon2id" });
}

let dummyHash: Promise<string> | null = null;

/**
 * Verifies a password against a stored hash. With no hash (unknown email, or a user who never set a
 * password) it still verifies against a dummy, so both answers take the same time.
 */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword("agnes-timing-equaliser");
    await Bun.password.verify(password, await dummyHash).catch(() => false);
    return false;
  }
  return Bun.password.verify(password, hash).catch(() => false);
}

export const PASSWORD_LOGIN_OFF = "Password sign-in is turned off on this server: sign in with single sign-on, or use a personal access token";

/** With PASSWORD_LOGIN=off every password path is closed: signing in, setting, resetting or changing one. */
export function assertPasswordsInUse(config: { sso: { passwordLogin: boolean } }): void {
  if (!config.sso.passwordLogin) throw new Forbidden(PASSWORD_LOGIN_OFF);
}
