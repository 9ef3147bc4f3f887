// `da login`: asks how to sign in, browser first (as `gh auth login` does) — the browser on this
// computer, a code entered on another device, a password (when the server takes passwords), or a
// pasted token. Flags pick one without asking: --web, --device, --password-stdin, --with-token.
// Without a terminal one of them is required. `da logout` ends the session and forgets it.
import type { LoginResponse, Me } from "../../src/shared/contract";
import { Api } from "../api";
import { JSON_FLAG, YES_FLAG, type Command } from "../command";
import { setConfigValue } from "../config";
import { findAccount, forgetAccount, storeAccount, type NewAccount, type SignInMethod, type StoredAccount } from "../credentials";
import { NO_SERVER_HINT, normalizeServer, storedCredential, type Context } from "../context";
import { CliError, UsageError } from "../errors";
import { formatTime, info, printJson, success, warn } from "../output";
import { askConfirm, askSelect, askText, isInteractive } from "../prompts";
import { browserLogin } from "./login-browser";
import { deviceLogin } from "./login-device";
import { passwordAccepted, passwordLogin, refuseIfPasswordMustChange, tokenLogin } from "./login-password";

const LOGOUT_TIMEOUT_MS = 5_000;

type Method = SignInMethod;
const METHOD_FLAGS: [string, Method][] = [
  ["web", "web"],
  ["device", "device"],
  ["password-stdin", "password"],
  ["with-token", "token"],
];
const METHOD_HINT = "pass --web, --device, --password-stdin (with --email) or --with-token (no terminal to ask on)";

function methodFromFlags(ctx: Context): Method | null {
  const chosen = METHOD_FLAGS.filter(([flag]) => ctx.flags[flag] === true);
  if (chosen.length > 1) throw new UsageError(`choose one of ${chosen.map(([flag]) => `--${flag}`).join(", ")}`);
  if (chosen.length === 1) return chosen[0]![1];
  // `da login --email you@…` on a terminal: a password, asked for without echo.
  return ctx.flag("email") && isInteractive() ? "password" : null;
}

function parsePort(ctx: Context): number {
  const raw = ctx.flag("port");
  if (raw === undefined) return 0;
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 1024 && port <= 65535)) throw new UsageError(`--port must be a number from 1024 to 65535, not "${raw}"`);
  return port;
}

function validateServer(value: string | undefined): string | undefined {
  try {
    normalizeServer(value ?? "");
    return undefined;
  } catch {
    return "Enter the full URL, e.g. https://agnes.example.com";
  }
}

/** On a terminal without --server, the server is asked for (prefilled from the config) when da must ask anyway. */
async function loginServer(ctx: Context, asking: boolean): Promise<string> {
  const known = ctx.server()?.url;
  if (isInteractive() && !ctx.flag("server") && (asking || !known)) {
    return normalizeServer(await askText("Agnes server URL", { initialValue: known, validate: validateServer }));
  }
  if (!known) throw new UsageError("no server configured", NO_SERVER_HINT);
  return known;
}

async function askMethod(server: string): Promise<Method> {
  const options: { value: Method; label: string; hint?: string }[] = [
    { value: "web", label: "Browser", hint: "sign in with the browser on this computer" },
    { value: "device", label: "Code on another device", hint: "enter a one-time code in any signed-in browser" },
  ];
  if (await passwordAccepted(server)) options.push({ value: "password", label: "Password", hint: "email and password" });
  options.push({ value: "token", label: "Paste a token", hint: "a personal access token" });
  return askSelect("How would you like to sign in?", options, "web");
}

/** Stores the account as the server's active one (others stay stored) and makes the server current. */
async function remember(credential: NewAccount): Promise<void> {
  const replaced = findAccount(credential.server);
  await storeAccount(credential);
  setConfigValue("server", credential.server);
  if (replaced && replaced.email !== credential.email) {
    info(`${replaced.email} stays stored for ${credential.server}: \`da auth switch\` goes back to it.`);
  }
}

/**
 * A second `da login` to a server with an account asks first on a terminal (as gh does); --yes or a
 * script goes ahead, since the flags already say what to do, and the other account stays stored.
 */
async function confirmReplace(ctx: Context, server: string): Promise<boolean> {
  const current = findAccount(server);
  if (!current || ctx.flags.yes === true || !isInteractive()) return true;
  return askConfirm(`You are signed in to ${server} as ${current.email}. Sign in again (the new account becomes the active one)?`);
}

/** Stores a session and reports it, in the shape `da login` has always printed. */
async function finishSession(ctx: Context, server: string, session: LoginResponse, method: Method): Promise<void> {
  await remember({ server, token: session.access_token, kind: "session", email: session.email, expires_at: session.expires_at, method });
  if (ctx.json) {
    const { user_id, email, role, expires_at } = session;
    return printJson({ server, user_id, email, role, auth: "session", expires_at });
  }
  success(`Signed in to ${server} as ${session.email} (${session.role}); session expires ${formatTime(session.expires_at)}`);
}

async function finishToken(ctx: Context, server: string, token: string, me: Me): Promise<void> {
  await remember({ server, token, kind: me.auth, email: me.email, expires_at: me.expires_at, method: "token" });
  if (ctx.json) return printJson({ server, ...me });
  const kind = me.auth === "pat" ? "personal access token" : "session";
  success(`Signed in to ${server} as ${me.email} (${me.role}) with a ${kind}; expires ${formatTime(me.expires_at)}`);
}

/** Usage first (no server needed), then whether this server takes passwords at all (PASSWORD_LOGIN=off). */
async function assertPasswordLogin(ctx: Context, server: string, interactive: boolean): Promise<void> {
  if (!interactive && !ctx.flag("email")) throw new UsageError("missing --email", "da login --email you@example.com --password-stdin");
  if (!(await passwordAccepted(server))) {
    throw new CliError(`${server} does not accept passwords`, "sign in with da login --web (or --device on a machine without a browser)");
  }
}

async function runLogin(ctx: Context): Promise<void> {
  let method = methodFromFlags(ctx);
  if (!method && !isInteractive()) throw new UsageError("how to sign in was not given", METHOD_HINT);
  const port = parsePort(ctx);
  const server = await loginServer(ctx, method === null);
  if (!(await confirmReplace(ctx, server))) return info("Nothing was changed.");
  method ??= await askMethod(server);
  const interactive = isInteractive() && ctx.flags["password-stdin"] !== true && ctx.flags["with-token"] !== true;
  if (method === "token") {
    const { token, me } = await tokenLogin(server, interactive);
    return finishToken(ctx, server, token, me);
  }
  if (method === "password") await assertPasswordLogin(ctx, server, interactive);
  const session =
    method === "web" ? await browserLogin(server, port) : method === "device" ? await deviceLogin(server) : await passwordLogin(ctx, server, interactive);
  await refuseIfPasswordMustChange(server, session);
  await finishSession(ctx, server, session, method);
}

export const login: Command = {
  kind: "command",
  name: "login",
  summary: "Sign in to an Agnes server and store the credential",
  description: [
    "On a terminal, asks how to sign in: the browser on this computer (default), a code entered",
    "on another device, a password (when the server takes passwords), or a pasted token.",
    "Without a terminal, pick one:",
    "  da login --web                  the browser on this computer (prints the URL too)",
    "  da login --device               a one-time code to enter at <server>/device",
    "  printf '%s' \"$PW\" | da login --email you@example.com --password-stdin",
    "  ... --password-stdin --otp 123456   with a second factor (without --otp, a terminal asks for the code)",
    '  echo "$TOKEN" | da login --with-token   (the token is checked with the server first)',
    "DA_LOGIN_TIMEOUT sets how many seconds to wait for the browser (default 300).",
  ].join("\n"),
  maxArgs: 0,
  flags: {
    web: { type: "boolean", description: "sign in with the browser on this computer" },
    device: { type: "boolean", description: "sign in with a one-time code entered on another device" },
    email: { type: "string", description: "your email, for a password sign-in" },
    otp: { type: "string", valueName: "code", description: "with a password: the code from your authenticator app (or a recovery code)" },
    "password-stdin": { type: "boolean", description: "read the password from stdin" },
    "with-token": { type: "boolean", description: "read a personal access token from stdin instead" },
    port: { type: "string", valueName: "n", description: "with --web: the 127.0.0.1 port for the browser's answer (default: a free one)" },
    ...YES_FLAG,
    ...JSON_FLAG,
  },
  run: runLogin,
};

/** End the session on the server too, so a copied token stops working; best effort. */
async function endServerSession(stored: StoredAccount): Promise<void> {
  const api = new Api(stored.server, storedCredential(stored));
  try {
    const response = await api.send("POST", "/logout", { timeoutMs: LOGOUT_TIMEOUT_MS });
    if (response.status >= 400 && response.status !== 401) {
      warn(`the server answered ${response.status} to sign-out; the local credential is forgotten anyway`);
    }
  } catch {
    warn(`could not reach ${stored.server} to end the session; the local credential is forgotten anyway`);
  }
}

async function runLogout(ctx: Context): Promise<void> {
  const server = ctx.server()?.url;
  const email = ctx.flag("user");
  const stored = server ? findAccount(server, email) : null;
  if (!stored) {
    if (ctx.json) return printJson({ signed_out: false, server: server ?? null });
    return info(email ? `No stored account ${email} on ${server}; nothing to forget.` : "Not signed in; nothing to forget.");
  }
  if (stored.kind === "session") await endServerSession(stored);
  const next = await forgetAccount(stored);
  if (ctx.json) return printJson({ signed_out: true, server: stored.server, email: stored.email, active: next?.email ?? null });
  success(`Signed out of ${stored.server} (${stored.email})`);
  if (next) info(`${next.email} is now the active account on ${stored.server}.`);
  if (stored.kind === "pat") info("The token itself still works; revoke it with `da auth token revoke` if it leaked.");
}

export const logout: Command = {
  kind: "command",
  name: "logout",
  summary: "Sign out: end the session on the server and forget the stored credential",
  maxArgs: 0,
  flags: { user: { type: "string", valueName: "email", description: "sign out this stored account instead of the active one" }, ...JSON_FLAG },
  run: runLogout,
};
