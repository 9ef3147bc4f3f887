// `da login` (password → session token, or --with-token for a PAT) and `da logout`.
import type { LoginResponse, Me, SignInProvider } from "../../src/shared/contract";
import { Api } from "../api";
import { JSON_FLAG, type Command } from "../command";
import { forgetCredential, readCredential, setConfigValue, writeCredential, type StoredCredential } from "../config";
import { NO_SERVER_HINT, normalizeServer, type Context } from "../context";
import { CliError, UsageError } from "../errors";
import { formatTime, info, printJson, success, warn } from "../output";
import { askPassword, askText, isInteractive, readSecretFromStdin, startSpinner } from "../prompts";

const LOGOUT_TIMEOUT_MS = 5_000;

type Credentials = { server: string; email: string; password: string };

function validateServer(value: string | undefined): string | undefined {
  try {
    normalizeServer(value ?? "");
    return undefined;
  } catch {
    return "Enter the full URL, e.g. https://agnes.example.com";
  }
}

const required = (what: string) => (value: string | undefined) => (value?.trim() ? undefined : `Enter ${what}`);

/**
 * A server with PASSWORD_LOGIN=off says so in GET /auth/providers: tell the user before asking for
 * a password it would refuse. An older server without that list takes passwords.
 */
async function assertPasswordLogin(server: string): Promise<void> {
  const response = await new Api(server, null).send("GET", "/auth/providers", { auth: false });
  if (!response.ok) return;
  const providers = (await response.json().catch(() => null)) as SignInProvider[] | null;
  if (!Array.isArray(providers) || providers.some((p) => p.type === "password")) return;
  const names = providers.map((p) => (p.type === "oidc" ? p.label : p.id)).join(", ");
  throw new CliError(
    `${server} does not accept passwords; people sign in there with ${names || "single sign-on"}`,
    `sign in in your browser, create a token at ${server}/profile, then: da login --with-token`,
  );
}

async function promptForCredentials(ctx: Context): Promise<Credentials> {
  let server = ctx.server()?.url;
  if (!ctx.flag("server")) {
    server = normalizeServer(await askText("Agnes server URL", { initialValue: server, validate: validateServer }));
  }
  await assertPasswordLogin(server!);
  const email = ctx.flag("email") ?? (await askText("Email", { validate: required("your email") }));
  const password = await askPassword("Password", required("your password"));
  return { server: server!, email, password };
}

async function credentialsFromFlags(ctx: Context): Promise<Credentials> {
  const server = ctx.server()?.url;
  if (!server) throw new UsageError("no server configured", "pass --server <url> or set DA_SERVER");
  const email = ctx.flag("email");
  if (!email) throw new UsageError("missing --email", "da login --email you@example.com --password-stdin");
  if (ctx.flags["password-stdin"] !== true) {
    throw new UsageError("missing password", "pipe it in: printf '%s' \"$PW\" | da login --email … --password-stdin");
  }
  // Usage errors first (they need no server); then, before the password is read, is it wanted?
  await assertPasswordLogin(server);
  return { server, email, password: await readSecretFromStdin("password") };
}

function remember(credential: StoredCredential): void {
  writeCredential(credential);
  setConfigValue("server", credential.server);
}

async function loginWithPassword(ctx: Context): Promise<void> {
  const interactive = isInteractive() && ctx.flags["password-stdin"] !== true;
  const { server, email, password } = interactive ? await promptForCredentials(ctx) : await credentialsFromFlags(ctx);
  const spinner = interactive ? await startSpinner(`Signing in to ${server}`) : null;
  let session: LoginResponse;
  try {
    session = await new Api(server, null).post<LoginResponse>("/auth/token", { email, password }, { auth: false });
  } catch (error) {
    spinner?.fail("Sign-in failed");
    throw error;
  }
  spinner?.stop(`Signed in as ${session.email}`);
  remember({ server, token: session.access_token, kind: "session", email: session.email, expires_at: session.expires_at });
  if (ctx.json) {
    const { user_id, email: signedIn, role, expires_at } = session;
    return printJson({ server, user_id, email: signedIn, role, auth: "session", expires_at });
  }
  success(`Signed in to ${server} as ${session.email} (${session.role}); session expires ${formatTime(session.expires_at)}`);
}

async function loginWithToken(ctx: Context): Promise<void> {
  const server = ctx.server()?.url;
  if (!server) throw new UsageError("no server configured", NO_SERVER_HINT);
  const token = isInteractive()
    ? (await askPassword("Paste your token", required("the token"))).trim()
    : (await readSecretFromStdin("token")).trim();
  const api = new Api(server, { token, source: "flag", kind: null, expires_at: null });
  const me = await api.get<Me>("/auth/me", undefined, {
    messages: { 401: "the server rejected this token (revoked, expired or mistyped); nothing was stored" },
  });
  remember({ server, token, kind: me.auth, email: me.email, expires_at: me.expires_at });
  if (ctx.json) return printJson({ server, ...me });
  const kind = me.auth === "pat" ? "personal access token" : "session";
  success(`Signed in to ${server} as ${me.email} (${me.role}) with a ${kind}; expires ${formatTime(me.expires_at)}`);
}

export const login: Command = {
  kind: "command",
  name: "login",
  summary: "Sign in to an Agnes server and store the credential",
  description: [
    "On a terminal, asks for the server URL, your email and password.",
    "In scripts: printf '%s' \"$PW\" | da login --server URL --email you@example.com --password-stdin",
    "With a token: echo \"$TOKEN\" | da login --with-token (the token is checked with the server first).",
  ].join("\n"),
  maxArgs: 0,
  flags: {
    email: { type: "string", description: "your email (asked for when missing on a terminal)" },
    "password-stdin": { type: "boolean", description: "read the password from stdin" },
    "with-token": { type: "boolean", description: "read a personal access token from stdin instead" },
    ...JSON_FLAG,
  },
  run: (ctx) => (ctx.flags["with-token"] === true ? loginWithToken(ctx) : loginWithPassword(ctx)),
};

/** End the session on the server too, so a copied token stops working; best effort. */
async function endServerSession(stored: StoredCredential): Promise<void> {
  const api = new Api(stored.server, { token: stored.token, source: "stored", kind: "session", expires_at: null });
  try {
    const response = await api.send("POST", "/logout", { timeoutMs: LOGOUT_TIMEOUT_MS });
    if (response.status >= 400 && response.status !== 401) {
      warn(`the server answered ${response.status} to sign-out; the local credential is forgotten anyway`);
    }
  } catch {
    warn(`could not reach ${stored.server} to end the session; the local credential is forgotten anyway`);
  }
}

export const logout: Command = {
  kind: "command",
  name: "logout",
  summary: "Sign out: end the session on the server and forget the stored credential",
  maxArgs: 0,
  async run() {
    const stored = readCredential();
    if (!stored) {
      info("Not signed in; nothing to forget.");
      return;
    }
    if (stored.kind === "session") await endServerSession(stored);
    forgetCredential();
    success(`Signed out of ${stored.server} (${stored.email})`);
    if (stored.kind === "pat") info("The token itself still works; revoke it with `da auth token revoke` if it leaked.");
  },
};
