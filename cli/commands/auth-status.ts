// `da auth status`, as `gh auth status`: every stored account, server by server, each checked with
// the server (GET /auth/me), which one is active, how it signed in, where its secret is, when it
// expires and what it may do. Exit 0 when the credential commands would use works, else 1.
import type { Me } from "../../src/shared/contract";
import { Api } from "../api";
import { resolveCredential, storedCredential, type Context, type Credential } from "../context";
import { listAccounts, serverKey, type StoredAccount } from "../credentials";
import { CliError, EXIT_FAILURE, EXIT_OK } from "../errors";
import { bold, formatTime, green, info, printJson, printLine, red } from "../output";
import { sys } from "../system";

type Check = { state: "ok"; me: Me } | { state: "rejected" | "unreachable"; reason: string };

type AccountStatus = {
  email: string;
  active: boolean;
  source: "stored" | "flag" | "env";
  kind: "session" | "pat" | null;
  method: string | null;
  stored_in: "keychain" | "file" | null;
  expires_at: string | null;
  scopes: string;
  role: string | null;
  state: Check["state"];
  reason: string | null;
};

async function check(server: string, credential: Credential): Promise<Check> {
  try {
    return { state: "ok", me: await new Api(server, credential).get<Me>("/auth/me") };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const status = (error as { status?: number }).status;
    return { state: status === 401 || status === 403 ? "rejected" : "unreachable", reason };
  }
}

function scopesOf(kind: "session" | "pat" | null): string {
  if (kind === "session") return "all that your role allows (a session)";
  return "those set on the token (`da auth token list`, from a session)";
}

function statusOf(account: StoredAccount | null, credential: Credential, active: boolean, result: Check): AccountStatus {
  const me = result.state === "ok" ? result.me : null;
  const kind = me?.auth ?? credential.kind;
  return {
    email: me?.email ?? account?.email ?? "?",
    active,
    source: credential.source,
    kind,
    method: account?.method ?? null,
    stored_in: account?.stored_in ?? null,
    expires_at: me ? me.expires_at : (account?.expires_at ?? null),
    scopes: scopesOf(kind),
    role: me?.role ?? null,
    state: result.state,
    reason: result.state === "ok" ? null : result.reason,
  };
}

type ServerStatus = { server: string; current: boolean; accounts: AccountStatus[] };

async function gather(ctx: Context): Promise<ServerStatus[]> {
  const current = ctx.server()?.url;
  const given = current ? resolveCredential(ctx.flag("token"), current) : null;
  const servers = listAccounts().map(async (entry) => {
    const isCurrent = current !== undefined && serverKey(current) === entry.server;
    const accounts = await Promise.all(
      entry.accounts.map(async (account) => {
        const credential = storedCredential(account);
        const active = entry.active === account.email && !(isCurrent && given && given.source !== "stored");
        return statusOf(account, credential, active, await check(entry.server, credential));
      }),
    );
    return { server: entry.server, current: isCurrent, accounts };
  });
  const out = await Promise.all(servers);
  if (current && given && given.source !== "stored") {
    const status = statusOf(null, given, true, await check(current, given));
    const found = out.find((s) => s.current);
    if (found) found.accounts.unshift(status);
    else out.unshift({ server: serverKey(current), current: true, accounts: [status] });
  }
  return out;
}

const SOURCE = { flag: "--token", env: "DA_TOKEN" } as const;

function printAccount(a: AccountStatus): void {
  const where = a.source === "stored" ? (a.stored_in ?? "file") : SOURCE[a.source];
  const out = sys().stdout;
  if (a.state !== "ok") {
    printLine(`  ${red("X", out)} ${a.email} (${where}): ${a.reason}`);
    printLine(`    - Active account: ${a.active}`);
    return;
  }
  printLine(`  ${green("✓", out)} Signed in as ${bold(a.email)} (${where})`);
  printLine(`    - Active account: ${a.active}`);
  printLine(`    - Role: ${a.role}`);
  printLine(`    - Signed in with: ${a.method ?? "unknown"}${a.kind ? ` (${a.kind === "pat" ? "personal access token" : "session"})` : ""}`);
  printLine(`    - Expires: ${formatTime(a.expires_at)}`);
  printLine(`    - Scopes: ${a.scopes}`);
}

export async function authStatus(ctx: Context): Promise<number> {
  const servers = await gather(ctx);
  const currentServer = servers.find((s) => s.current);
  const inUse = currentServer?.accounts.find((a) => a.active);
  const code = inUse?.state === "ok" ? EXIT_OK : EXIT_FAILURE;
  if (ctx.json) {
    printJson({ server: ctx.server()?.url ?? null, signed_in: code === EXIT_OK, servers });
    return code;
  }
  if (servers.length === 0) throw new CliError("not signed in to any Agnes server", "run `da login`");
  for (const server of servers) {
    printLine(bold(`${server.server}${server.current ? " (current server)" : ""}`));
    for (const account of server.accounts) printAccount(account);
  }
  if (!currentServer) info(`No account is stored for ${ctx.server()?.url ?? "the current server (none configured)"}: run \`da login\` or \`da auth switch\`.`);
  return code;
}
