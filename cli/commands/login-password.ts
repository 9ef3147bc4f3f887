// The two ways to sign in that need no browser: a password (prompted, or --password-stdin with
// --email) for servers that take passwords, and a personal access token (--with-token).
import type { LoginResponse, Me } from "../../src/shared/contract";
import { Api } from "../api";
import { givenCredential, type Context } from "../context";
import { CliError, UsageError } from "../errors";
import { askPassword, askText, readSecretFromStdin, startSpinner } from "../prompts";

export const required = (what: string) => (value: string | undefined) => (value?.trim() ? undefined : `Enter ${what}`);

/**
 * Whether the server takes passwords: GET /auth/providers lists `password` unless PASSWORD_LOGIN is
 * off. A server without that route (older, or before single sign-on) takes them.
 */
export async function passwordAccepted(server: string): Promise<boolean> {
  const response = await new Api(server, null).send("GET", "/auth/providers", { auth: false });
  if (!response.ok) return true;
  const providers = (await response.json().catch(() => null)) as { id?: unknown }[] | null;
  return !Array.isArray(providers) || providers.some((p) => p?.id === "password");
}

async function readCredentials(ctx: Context, interactive: boolean): Promise<{ email: string; password: string }> {
  if (interactive) {
    const email = ctx.flag("email") ?? (await askText("Email", { validate: required("your email") }));
    return { email, password: await askPassword("Password", required("your password")) };
  }
  const email = ctx.flag("email");
  if (!email) throw new UsageError("missing --email", "da login --email you@example.com --password-stdin");
  return { email, password: await readSecretFromStdin("password") };
}

export async function passwordLogin(ctx: Context, server: string, interactive: boolean): Promise<LoginResponse> {
  const { email, password } = await readCredentials(ctx, interactive);
  const otp = ctx.flag("otp");
  const spinner = interactive ? await startSpinner(`Signing in to ${server}`) : null;
  try {
    let response = await tokenRequest(server, { email, password, ...(otp ? { otp } : {}) });
    if (!otp && (await needsSecondFactor(response))) {
      if (!interactive)
        throw new UsageError("this account has a second factor: pass its code", "da login --email you@example.com --password-stdin --otp 123456");
      spinner?.stop("Password accepted");
      const code = await askText("Code from your authenticator app (or a recovery code)", { validate: required("the code") });
      response = await tokenRequest(server, { email, password, otp: code.trim() });
    }
    if (!response.ok) throw await new Api(server, null).failure(response, { auth: false });
    const session = (await response.json()) as LoginResponse;
    spinner?.stop(`Signed in as ${session.email}`);
    return session;
  } catch (error) {
    spinner?.fail("Sign-in failed");
    throw error;
  }
}

function tokenRequest(server: string, body: { email: string; password: string; otp?: string }): Promise<Response> {
  return new Api(server, null).send("POST", "/auth/token", { body, auth: false });
}

/** The password was right and the server wants the second factor's code (`mfa_required`). */
async function needsSecondFactor(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { mfa_required?: unknown } | null;
  return body?.mfa_required === true;
}

/** A pasted or piped token, checked with the server before anything is stored. */
export async function tokenLogin(server: string, interactive: boolean): Promise<{ token: string; me: Me }> {
  const token = interactive ? (await askPassword("Paste your token", required("the token"))).trim() : (await readSecretFromStdin("token")).trim();
  const api = new Api(server, givenCredential(token, "flag"));
  const me = await api.get<Me>("/auth/me", undefined, {
    messages: { 401: "the server rejected this token (revoked, expired or mistyped); nothing was stored" },
  });
  return { token, me };
}

/**
 * A session whose password an admin set can do nothing until its owner chooses their own, which needs
 * a browser: say so, end the session (best effort) and store nothing.
 */
export async function refuseIfPasswordMustChange(server: string, session: LoginResponse): Promise<void> {
  const api = new Api(server, { ...givenCredential(session.access_token, "flag"), kind: "session", expires_at: session.expires_at });
  const me = await api.get<Me>("/auth/me");
  if (!me.must_change_password) return;
  await api.send("POST", "/logout").catch(() => undefined);
  throw new CliError(
    `${me.email}: your password was set by an administrator and must be changed before anything else; nothing was stored`,
    `open ${server}/password/change in a browser, sign in and choose your own password, then run da login again`,
  );
}
