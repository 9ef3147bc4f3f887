// `da admin service-accounts …`: accounts for CI and agents (admin role), over /api/service-accounts.
// A service account is named by its id or its (unique) name. Making a token needs a session from
// `da login`, as for your own tokens.
import { DEFAULT_ROLE, ROLES, TOKEN_SCOPE_NAMES, type CreatedToken, type Token } from "../../src/shared/contract";
import type { ServiceAccount } from "../../src/shared/agents";
import { JSON_FLAG, YES_FLAG, type Command, type Group } from "../command";
import type { Context } from "../context";
import { CliError } from "../errors";
import { done, formatTime, info, printJson, printLine, printTable, success, type Column } from "../output";
import { askConfirm, isInteractive } from "../prompts";
import { findToken, parseTtl, TOKEN_COLUMNS } from "./tokens";

const BASE = "/api/service-accounts";
const NEEDS_SESSION = { messages: { 403: "making a token needs a session from `da login`; a personal access token cannot make tokens" } };

const COLUMNS: Column<ServiceAccount>[] = [
  { header: "NAME", value: (a) => a.name },
  { header: "ROLE", value: (a) => a.role },
  { header: "STATUS", value: (a) => (a.active ? "active" : "DEACTIVATED") },
  { header: "TOKENS", value: (a) => String(a.token_count) },
  { header: "CREATED", value: (a) => formatTime(a.created_at) },
  { header: "ID", value: (a) => a.id },
];

async function resolve(ctx: Context, ref: string): Promise<ServiceAccount> {
  const all = await ctx.api().get<ServiceAccount[]>(BASE);
  const found = all.find((a) => a.id === ref) ?? all.find((a) => a.name.toLowerCase() === ref.toLowerCase());
  if (!found) throw new CliError(`no service account matches "${ref}"`, "see `da admin service-accounts list`");
  return found;
}

function show(ctx: Context, account: ServiceAccount, message: string): void {
  if (ctx.json) return printJson(account);
  success(message);
}

async function list(ctx: Context): Promise<void> {
  const all = await ctx.api().get<ServiceAccount[]>(BASE);
  if (ctx.json) return printJson(all);
  printTable(all, COLUMNS, "No service accounts yet. Create one with `da admin service-accounts create NAME`.");
}

async function create(ctx: Context): Promise<void> {
  const body = { name: ctx.args[0]!, description: ctx.flag("description"), role: ctx.flag("role") };
  const account = await ctx.api().post<ServiceAccount>(BASE, body);
  show(ctx, account, `Created service account "${account.name}" (${account.role}), id ${account.id}`);
}

const setActive = (active: boolean) => async (ctx: Context) => {
  const target = await resolve(ctx, ctx.args[0]!);
  const account = await ctx.api().patch<ServiceAccount>(`${BASE}/${target.id}`, { active });
  show(ctx, account, `${active ? "Activated" : "Deactivated"} service account "${account.name}"${active ? "" : ": its tokens are refused from now on"}`);
};

async function remove(ctx: Context): Promise<void> {
  const target = await resolve(ctx, ctx.args[0]!);
  if (isInteractive() && ctx.flags.yes !== true && !(await askConfirm(`Delete service account "${target.name}" and its ${target.token_count} token(s)?`))) {
    return info("Nothing was changed.");
  }
  await ctx.api().delete(`${BASE}/${target.id}`);
  done(ctx.json, `Deleted service account "${target.name}"`, { deleted: true, id: target.id, name: target.name });
}

async function createToken(ctx: Context): Promise<void> {
  const target = await resolve(ctx, ctx.args[0]!);
  const ttl = ctx.flag("ttl");
  const scopes = ctx.flagList("scope");
  const body = { name: ctx.flag("name") ?? target.name, ...(ttl ? { expires_in_days: parseTtl(ttl) } : {}), ...(scopes.length ? { scopes } : {}) };
  const created = await ctx.api().post<CreatedToken>(`${BASE}/${target.id}/tokens`, body, NEEDS_SESSION);
  if (ctx.flags.raw === true) return printLine(created.token);
  if (ctx.json) return printJson(created);
  success(`Created token "${created.name}" for "${target.name}" (scopes ${created.scopes.join(", ")}), expires ${formatTime(created.expires_at)}`);
  printLine(created.token);
  info("Copy it now: it is shown only once.");
}

async function listTokens(ctx: Context): Promise<void> {
  const target = await resolve(ctx, ctx.args[0]!);
  const tokens = await ctx.api().get<Token[]>(`${BASE}/${target.id}/tokens`);
  if (ctx.json) return printJson(tokens);
  printTable(tokens, TOKEN_COLUMNS, "No tokens.");
}

async function revokeToken(ctx: Context): Promise<void> {
  const target = await resolve(ctx, ctx.args[0]!);
  const token = findToken(await ctx.api().get<Token[]>(`${BASE}/${target.id}/tokens`), ctx.args[1]!);
  await ctx.api().delete(`${BASE}/${target.id}/tokens/${token.id}`);
  done(ctx.json, `Revoked token "${token.name}" (${token.prefix}) of "${target.name}"`, {
    revoked: true,
    id: token.id,
    name: token.name,
    prefix: token.prefix,
  });
}

const REF = "<id|name>";
const command = (name: string, summary: string, run: Command["run"], extra: Partial<Command> = {}): Command => ({
  kind: "command",
  name,
  summary,
  args: REF,
  minArgs: 1,
  maxArgs: 1,
  flags: JSON_FLAG,
  run,
  ...extra,
});

export const adminServiceAccountsGroup: Group = {
  kind: "group",
  name: "service-accounts",
  summary: "Accounts for CI and agents: they never sign in and hold only tokens",
  children: [
    command("list", "List service accounts", list, { args: undefined, minArgs: 0, maxArgs: 0 }),
    command("create", `Create a service account (role defaults to ${DEFAULT_ROLE})`, create, {
      args: "<name>",
      flags: {
        description: { type: "string", description: "what runs as it" },
        role: { type: "string", choices: ROLES, description: `its role (default ${DEFAULT_ROLE})` },
        ...JSON_FLAG,
      },
    }),
    command("deactivate", "Stop a service account and all its tokens at once", setActive(false)),
    command("activate", "Let a deactivated service account's tokens work again", setActive(true)),
    command("delete", "Delete a service account and its tokens (asks to confirm unless --yes)", remove, { flags: { ...YES_FLAG, ...JSON_FLAG } }),
    command("token-create", "Make a token for a service account (shown once; needs `da login`)", createToken, {
      flags: {
        name: { type: "string", description: "the token's name (default: the account's)" },
        ttl: { type: "string", valueName: "<days>d|never", description: "lifetime (default: the server's)" },
        scope: { type: "string", multiple: true, valueName: "scope", description: `what it may do, repeatable (${TOKEN_SCOPE_NAMES.join(", ")}); default all` },
        raw: { type: "boolean", description: "print only the token (for CI)" },
        ...JSON_FLAG,
      },
    }),
    command("tokens", "List a service account's tokens", listTokens),
    command("token-revoke", "Revoke one of a service account's tokens", revokeToken, {
      args: `${REF} <token id|prefix|name>`,
      minArgs: 2,
      maxArgs: 2,
      flags: JSON_FLAG,
    }),
  ],
};
