// Signing in and out, and creating the first administrator.
import { randomBytes } from "node:crypto";
import { sameSecret } from "../../shared/signing";
import type { AppContext } from "../../context";
import type { AuthUser } from "../../auth/auth-state";
import { assertPasswordPolicy, assertPasswordsInUse } from "../../auth/passwords";
import { Conflict, Forbidden, NotFound, SecondFactorNeeded, TooManyRequests, Unauthenticated } from "../../shared/errors";
import { policyCovers } from "../../auth/session-restriction";
import { hasSecondFactor, holdToEnrolmentIfNeeded, verifySecondFactor } from "../mfa/second-step";
import { countUsers, findUser, findUserByEmail } from "../users/directory";
import { createAccount, recordSignIn } from "../users/lifecycle";
import { endSession, openSession, type NewSession } from "./sessions";
import type { Principal } from "../../auth/principal";
import { normaliseEmail, parseEmail } from "../../auth/email";
import { managedElsewhereMessage, roleManagingProvider } from "../sso/identities";

export const WRONG_CREDENTIALS = "Incorrect email or password";
export const ACCOUNT_DEACTIVATED = "Account deactivated";

type ClientMeta = { ip: string | null; userAgent: string | null };

/**
 * Checks an email and password (under the failure limiter), then whether the account may sign in.
 * Opens nothing: the caller asks for the second step when the account has one, then `openSignInSession`.
 */
export async function checkPassword(ctx: AppContext, input: { email: string; password: string } & ClientMeta): Promise<AuthUser> {
  assertPasswordsInUse(ctx.config);
  const email = normaliseEmail(input.email);
  let claim;
  try {
    claim = ctx.failures.claim(ctx.signInLimits.keysFor(email, input.ip), "failed sign-in attempts");
  } catch (error) {
    if (error instanceof TooManyRequests) ctx.metrics.signIn("limited");
    throw error;
  }
  const row = await findUserByEmail(ctx.db, email);
  const passwordOk = await ctx.passwords.verify(input.password, row?.password_hash ?? null);
  if (!row || !passwordOk) {
    // The submitted identifier is kept only when it is an account's email: a password typed into
    // the email box must not end up in the audit trail.
    const params = row ? { email } : {};
    ctx.metrics.signIn("failure");
    await ctx.audit.record(ctx.db, { actor: null, action: "auth.login_failed", target: row?.id ?? null, params, ip: input.ip });
    throw new Unauthenticated(WRONG_CREDENTIALS);
  }
  ctx.failures.release(claim);
  await assertMaySignIn(ctx, row, input.ip);
  ctx.signInLimits.remember(email, input.ip);
  return { id: row.id, email: row.email, name: row.name, role: row.role, active: row.active };
}

export const PASSKEY_NEEDS_PASSWORD_ACCOUNT = "This account signs in with single sign-on: use your provider";

/**
 * A passkey alone stands in for the password, so it signs in only what a password could: an account
 * that has one, while passwords are in use (an account of single sign-on relies on its provider).
 */
export async function assertPasskeyMaySignIn(ctx: AppContext, user: AuthUser, ip: string | null): Promise<void> {
  assertPasswordsInUse(ctx.config);
  await assertMaySignIn(ctx, user, ip);
  if (!(await findUser(ctx.db, user.id))?.password_hash) throw new Unauthenticated(PASSKEY_NEEDS_PASSWORD_ACCOUNT);
}

/** Whether a person whose credentials passed may sign in: active, and not managed by a provider (its sign-in is the only way in). */
export async function assertMaySignIn(ctx: AppContext, row: { id: string; email: string; active: boolean }, ip: string | null): Promise<void> {
  const actor = { id: row.id, email: row.email };
  if (!row.active) {
    ctx.metrics.signIn("failure");
    await ctx.audit.record(ctx.db, { actor, action: "auth.login_refused", target: row.id, params: { reason: "deactivated" }, ip });
    throw new Unauthenticated(ACCOUNT_DEACTIVATED);
  }
  const manager = await roleManagingProvider(ctx, ctx.db, row.id);
  if (manager) {
    ctx.metrics.signIn("failure");
    await ctx.audit.record(ctx.db, {
      actor,
      action: "auth.login_refused",
      target: row.id,
      params: { reason: "managed_by_provider", provider: manager.id },
      ip,
    });
    throw new Unauthenticated(managedElsewhereMessage(manager));
  }
}

/**
 * The session of a sign-in whose every step passed. A person MFA_REQUIRED covers who has no second
 * factor gets a session held to enrolment (a browser), or none at all (`holdToEnrol: false`, the API).
 */
export async function openSignInSession(ctx: AppContext, user: AuthUser, meta: ClientMeta & { holdToEnrol: boolean; via?: "passkey" }): Promise<NewSession> {
  const actor = { id: user.id, email: user.email };
  const session = await ctx.db.transaction(async (tx) => {
    if (meta.holdToEnrol) await holdToEnrolmentIfNeeded(ctx, tx, user);
    const opened = await openSession(ctx, tx, user, meta);
    await recordSignIn(ctx, tx, user.id);
    const params = { session_id: opened.id, ...(meta.via ? { via: meta.via } : {}) };
    await ctx.audit.record(tx, { actor, action: "auth.login", target: user.id, params, ip: meta.ip });
    return opened;
  });
  ctx.metrics.signIn("success");
  return session;
}

/** API sign-in (`POST /auth/token`): password, then the code (`otp`) when the account has a second factor. */
export async function signIn(
  ctx: AppContext,
  input: { email: string; password: string; otp?: string } & ClientMeta,
): Promise<{ user: AuthUser; session: NewSession }> {
  const user = await checkPassword(ctx, input);
  if (await hasSecondFactor(ctx, user.id)) {
    if (!input.otp) throw new SecondFactorNeeded();
    await verifySecondFactor(ctx, user, input.otp, input.ip, "sign-in");
  } else if (policyCovers(ctx.config.mfaRequired, user.role)) {
    await ctx.audit.record(ctx.db, {
      actor: { id: user.id, email: user.email },
      action: "auth.login_refused",
      target: user.id,
      params: { reason: "no_second_factor" },
      ip: input.ip,
    });
    throw new Forbidden(NO_FACTOR_FOR_API);
  }
  return { user, session: await openSignInSession(ctx, user, { ...input, holdToEnrol: false }) };
}

export const NO_FACTOR_FOR_API =
  "This server requires a second factor for your account and it has none yet: sign in in a browser, set one up at /profile/two-factor, then sign in here with its code";

export async function signOut(ctx: AppContext, principal: Principal, ip: string | null): Promise<void> {
  const sessionId = principal.sessionId;
  if (!sessionId) return;
  await ctx.db.transaction(async (tx) => {
    await endSession(ctx, tx, sessionId);
    await ctx.audit.record(tx, {
      actor: { id: principal.user.id, email: principal.user.email },
      action: "auth.logout",
      target: principal.user.id,
      params: { session_id: sessionId },
      ip,
    });
  });
}

/** Creates the first admin; refuses once any user exists (checked inside the write transaction). */
export async function createFirstAdmin(
  ctx: AppContext,
  input: { email: string; name: string; password: string; via: "setup" | "environment"; ip: string | null },
): Promise<AuthUser> {
  assertPasswordPolicy(input.password);
  const email = parseEmail(input.email);
  const passwordHash = await ctx.passwords.hash(input.password);
  const row = await ctx.db.transaction(async (tx) => {
    if ((await countUsers(tx)) > 0) throw new Conflict("Agnes is already set up");
    return createAccount(ctx, tx, { email, name: input.name.trim(), role: "admin", passwordHash, via: input.via }, { actor: null, ip: input.ip });
  });
  ctx.setupCode.value = null;
  return { id: row.id, email: row.email, name: row.name, role: row.role, active: row.active };
}

/** On start: the operator's first admin from the environment, or a one-time setup code for /setup. */
export async function prepareFirstRun(ctx: AppContext): Promise<void> {
  if (ctx.authState.hasUsers()) return;
  const { adminEmail, adminPassword } = ctx.config;
  if (adminEmail && adminPassword) {
    const user = await createFirstAdmin(ctx, { email: adminEmail, name: "", password: adminPassword, via: "environment", ip: null });
    ctx.log.info("setup.admin_created", { email: user.email });
    return;
  }
  ctx.setupCode.value = randomBytes(9)
    .toString("base64url")
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "X");
  // The setup code is meant to be read from this log by the operator (and only until setup is done).
  ctx.log.warn("setup.code", { code: ctx.setupCode.value, hint: "open /setup and enter this code to create the first admin" });
}

export function assertSetupOpen(ctx: AppContext): void {
  if (ctx.authState.hasUsers() || !ctx.setupCode.value) throw new NotFound();
}

/** Checks the setup code, spending one of the client's failure slots when it is wrong (429 beyond the limit). */
export function setupCodeMatches(ctx: AppContext, given: string, ip: string | null): boolean {
  const claim = ctx.failures.claim([`setup:${ip ?? "unknown"}`], "wrong setup codes");
  const expected = ctx.setupCode.value ?? "";
  const matches = expected.length > 0 && sameSecret(given.trim().toUpperCase(), expected);
  if (matches) ctx.failures.release(claim);
  return matches;
}
