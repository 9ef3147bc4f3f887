// `da auth …`, as `gh auth …`: whoami, status (every stored account, per server), token (the
// credential, for scripts), switch (another stored account becomes the active one).
import type { Me } from "../../src/shared/contract";
import { Api } from "../api";
import { JSON_FLAG, type Command, type Group } from "../command";
import { credentialsFile, setConfigValue } from "../config";
import { NO_SERVER_HINT, resolveCredential, storedCredential, type Context, type Credential } from "../context";
import { activate, findAccount, listAccounts, serverKey, type StoredAccount } from "../credentials";
import { CliError, UsageError } from "../errors";
import { bold, formatTime, info, printJson, printLine, success } from "../output";
import { askSelect, isInteractive } from "../prompts";
import { authStatus } from "./auth-status";
import { tokenGroup } from "./tokens";

function describeSource(credential: Credential): string {
  if (credential.source === "flag") return "--token flag";
  if (credential.source === "env") return "DA_TOKEN environment variable";
  return credential.account?.stored_in === "keychain" ? "the OS keychain" : credentialsFile();
}

async function whoami(ctx: Context): Promise<void> {
  const server = ctx.server();
  if (!server) throw new CliError("not signed in (no server configured)", NO_SERVER_HINT);
  const credential = resolveCredential(ctx.flag("token"), server.url);
  if (!credential) throw new CliError(`not signed in to ${server.url}`, "run `da login`");
  const me = await new Api(server.url, credential).get<Me>("/auth/me");
  if (ctx.json) return printJson({ ...me, server: server.url });
  const how = me.auth === "pat" ? "personal access token" : "session";
  printLine(`Signed in to ${bold(server.url)} as ${bold(me.email)}`);
  printLine(`  name:     ${me.name || "-"}`);
  printLine(`  role:     ${me.role}`);
  printLine(`  auth:     ${how}${me.token_id ? ` (token id ${me.token_id})` : ""}`);
  printLine(`  expires:  ${formatTime(me.expires_at)}`);
  printLine(`  from:     ${describeSource(credential)}`);
}

const USER_FLAG = { user: { type: "string", valueName: "email", description: "a stored account other than the active one" } } as const;

/** `da auth token`: the credential a command would send, on stdout alone (for `$(da auth token)`). */
async function printToken(ctx: Context): Promise<void> {
  const server = ctx.server();
  if (!server) throw new CliError("not signed in (no server configured)", NO_SERVER_HINT);
  const email = ctx.flag("user");
  const account = email ? findAccount(server.url, email) : null;
  if (email && !account) throw new CliError(`no stored account ${email} on ${server.url}`, "see `da auth status`");
  const credential = account ? storedCredential(account) : resolveCredential(ctx.flag("token"), server.url);
  if (!credential) throw new CliError(`not signed in to ${server.url}`, "run `da login`");
  const token = await credential.secret();
  if (ctx.json) return printJson({ server: server.url, token });
  printLine(token);
}

function candidates(ctx: Context): { account: StoredAccount; active: boolean }[] {
  const server = ctx.flag("server");
  const email = ctx.flag("user");
  const current = ctx.server()?.url;
  return listAccounts()
    .flatMap((entry) => entry.accounts.map((account) => ({ account, active: entry.active === account.email && sameKey(entry.server, current) })))
    .filter(({ account }) => (!server || sameKey(account.server, server)) && (!email || account.email === email));
}

const sameKey = (a: string, b: string | undefined) => b !== undefined && serverKey(a) === serverKey(b);

/** gh's rule: the one other account when there are two; a picker on a terminal; else name it. */
async function pickAccount(ctx: Context): Promise<StoredAccount> {
  const all = candidates(ctx);
  if (all.length === 0) throw new CliError("no stored account matches", "see `da auth status`, or sign in with `da login`");
  const others = all.filter((c) => !c.active);
  if (all.length === 1 || others.length === 1) return (others[0] ?? all[0]!).account;
  if (!isInteractive()) throw new UsageError("several stored accounts match", "pick one with --server and --user (see `da auth status`)");
  const options = all.map(({ account, active }, i) => ({
    value: String(i),
    label: `${account.email} on ${account.server}`,
    hint: active ? "active" : undefined,
  }));
  return all[Number(await askSelect("Switch to which account?", options, String(all.findIndex((c) => !c.active))))]!.account;
}

async function switchAccount(ctx: Context): Promise<void> {
  const account = await pickAccount(ctx);
  activate(account);
  setConfigValue("server", account.server);
  if (ctx.json) return printJson({ server: account.server, email: account.email, active: true });
  success(`Switched to ${account.email} on ${account.server}`);
  if (ctx.flag("server") === undefined && ctx.server()?.source === "env") info("DA_SERVER is set and still picks the server for commands run with it.");
}

const whoamiCommand: Command = {
  kind: "command",
  name: "whoami",
  summary: "Show who you are signed in as, where, and with what (exits 1 when not signed in)",
  maxArgs: 0,
  flags: JSON_FLAG,
  run: whoami,
};

/**
 * `da auth token` with no subcommand prints the credential (gh's habit); `create|list|rotate|revoke`
 * follow it as before. main.ts runs this when the `token` group is reached with no subcommand.
 */
export const printTokenCommand: Command = {
  kind: "command",
  name: "token",
  summary: 'Print the credential da would send (for scripts: `curl -H "Authorization: Bearer $(da auth token)"`)',
  maxArgs: 0,
  flags: { ...USER_FLAG, ...JSON_FLAG },
  run: printToken,
};

export const authGroup: Group = {
  kind: "group",
  name: "auth",
  summary: "Your sign-ins, stored accounts and personal access tokens",
  children: [
    whoamiCommand,
    {
      kind: "command",
      name: "status",
      summary: "Every stored account per server: active or not, how it signed in, expiry (exit 1 when not signed in)",
      maxArgs: 0,
      flags: JSON_FLAG,
      run: authStatus,
    },
    {
      kind: "command",
      name: "switch",
      summary: "Make another stored account the active one (picks the other one when there are two)",
      maxArgs: 0,
      flags: { ...USER_FLAG, ...JSON_FLAG },
      run: switchAccount,
    },
    { ...tokenGroup, default: printTokenCommand },
  ],
};
