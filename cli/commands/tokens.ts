// `da auth token create|list|revoke`: the signed-in user's personal access tokens.
// The server allows these only with a session (403 for a PAT), so a PAT gets a plain explanation.
import {
  DEFAULT_PICKED_SCOPES,
  DEFAULT_TOKEN_LIFETIME_DAYS,
  TOKEN_LIFETIME_CHOICES_DAYS,
  TOKEN_SCOPES,
  TOKEN_SCOPE_NAMES,
  tokenState,
  type CreatedToken,
  type Token,
  type TokenScope,
} from "../../src/shared/contract";
import { JSON_FLAG, YES_FLAG, type Group } from "../command";
import type { Context } from "../context";
import { CliError, UsageError } from "../errors";
import { done, formatTime, info, printJson, printLine, printTable, success, type Column } from "../output";
import { askConfirm, askMultiSelect, askSelect, askText, isInteractive, requireInteractive } from "../prompts";

const NEEDS_SESSION = "this command needs a session from `da login`; a personal access token cannot manage tokens";
const SESSION_ONLY = { messages: { 403: NEEDS_SESSION } };

const TTL_CHOICES = TOKEN_LIFETIME_CHOICES_DAYS.map((days) => `${days}d`);

/** `30d` → 30, `never` → null (the API's "never expires"); any number of days, not only the choices. */
export function parseTtl(text: string): number | null {
  if (text === "never") return null;
  const match = /^(\d+)d$/.exec(text);
  const days = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(days) || days < 1) {
    throw new UsageError(`--ttl must be <days>d (e.g. ${TTL_CHOICES.join(", ")}) or never, not "${text}"`);
  }
  return days;
}

/**
 * The picker's pre-selected entry sends no lifetime, so the server's default applies: it knows
 * its PAT_MAX_DAYS, da does not. `undefined` = the server's default.
 */
async function pickLifetime(): Promise<number | null | undefined> {
  const fallback = { value: "default", label: `${DEFAULT_TOKEN_LIFETIME_DAYS} days`, hint: "the server's default (less if its limit is lower)" };
  const options = TOKEN_LIFETIME_CHOICES_DAYS.map((days) => (days === DEFAULT_TOKEN_LIFETIME_DAYS ? fallback : { value: `${days}d`, label: `${days} days` }));
  if (!options.includes(fallback)) options.unshift(fallback);
  const choice = await askSelect("Expires after", [...options, { value: "never", label: "never", hint: "until revoked" }], "default");
  return choice === "default" ? undefined : parseTtl(choice);
}

/**
 * `--scope` flags as given (the server refuses an unknown one, naming it); on a terminal without
 * them, a picker with query + sync + profile:read preselected; in a script without them, none are
 * sent and the server gives the token every scope (what `da` did before scopes).
 */
async function pickScopes(given: string[]): Promise<string[] | undefined> {
  if (given.length) return given;
  if (!isInteractive()) return undefined;
  const options = TOKEN_SCOPE_NAMES.map((name) => ({ value: name, label: name, hint: TOKEN_SCOPES[name] }));
  return askMultiSelect<TokenScope>("What may the token do?", options, [...DEFAULT_PICKED_SCOPES]);
}

const tokenStatus = (token: Token) => tokenState(token, new Date());

export const TOKEN_COLUMNS: Column<Token>[] = [
  { header: "NAME", value: (t) => t.name },
  { header: "PREFIX", value: (t) => t.prefix },
  { header: "STATUS", value: tokenStatus },
  { header: "SCOPES", value: (t) => t.scopes.join(",") },
  { header: "CREATED", value: (t) => formatTime(t.created_at) },
  { header: "EXPIRES", value: (t) => formatTime(t.expires_at) },
  { header: "LAST USED", value: (t) => formatTime(t.last_used_at) },
  { header: "ID", value: (t) => t.id },
];

/** Find a token by id, prefix or name; a name shared by several live tokens is ambiguous. */
export function findToken<T extends Token>(tokens: T[], ref: string): T {
  const exact = tokens.find((t) => t.id === ref) ?? tokens.find((t) => t.prefix === ref);
  if (exact) return exact;
  const named = tokens.filter((t) => t.name === ref);
  const live = named.filter((t) => tokenStatus(t) === "active");
  const candidates = live.length ? live : named;
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1) {
    throw new CliError(`several tokens are named "${ref}" (${candidates.map((t) => t.prefix).join(", ")})`, "revoke by prefix or id instead");
  }
  throw new CliError(`no token matches "${ref}"`, "see `da auth token list` for ids, prefixes and names");
}

async function createToken(ctx: Context): Promise<void> {
  let name = ctx.flag("name");
  if (!name) {
    requireInteractive("token name", "--name <name>");
    name = await askText("Token name", { validate: (v) => (v?.trim() ? undefined : "Enter a name, e.g. laptop or ci") });
  }
  const ttl = ctx.flag("ttl");
  const days = ttl !== undefined ? parseTtl(ttl) : isInteractive() ? await pickLifetime() : undefined;
  const scopes = await pickScopes(ctx.flagList("scope"));
  // No `expires_in_days` at all (not null: that means "never") lets the server apply its default.
  const body = { name, ...(days === undefined ? {} : { expires_in_days: days }), ...(scopes ? { scopes } : {}) };
  const created = await ctx.api().post<CreatedToken>("/auth/tokens", body, SESSION_ONLY);
  if (ctx.flags.raw === true) return printLine(created.token);
  if (ctx.json) return printJson(created);
  success(`Created token "${created.name}" (prefix ${created.prefix}, scopes ${created.scopes.join(", ")}), expires ${formatTime(created.expires_at)}`);
  printLine(created.token);
  info("Copy it now: it is shown only once.");
}

async function listTokens(ctx: Context): Promise<void> {
  const tokens = await ctx.api().get<Token[]>("/auth/tokens", undefined, SESSION_ONLY);
  if (ctx.json) return printJson(tokens);
  printTable(tokens, TOKEN_COLUMNS, "No tokens yet. Create one with `da auth token create`.");
}

async function revokeToken(ctx: Context): Promise<number | void> {
  const api = ctx.api();
  const token = findToken(await api.get<Token[]>("/auth/tokens", undefined, SESSION_ONLY), ctx.args[0]!);
  const revoked = { id: token.id, name: token.name, prefix: token.prefix };
  if (token.revoked_at)
    return ctx.json ? printJson({ revoked: false, already_revoked: true, ...revoked }) : info(`Token "${token.name}" (${token.prefix}) is already revoked.`);
  if (isInteractive() && ctx.flags.yes !== true) {
    if (!(await askConfirm(`Revoke token "${token.name}" (${token.prefix})?`))) {
      info("Nothing was changed.");
      return;
    }
  }
  await api.delete(`/auth/tokens/${encodeURIComponent(token.id)}`, SESSION_ONLY);
  done(ctx.json, `Revoked token "${token.name}" (${token.prefix})`, { revoked: true, ...revoked });
}

async function rotateToken(ctx: Context): Promise<void> {
  const api = ctx.api();
  const token = findToken(await api.get<Token[]>("/auth/tokens", undefined, SESSION_ONLY), ctx.args[0]!);
  const created = await api.post<CreatedToken>(`/auth/tokens/${encodeURIComponent(token.id)}/rotate`, undefined, SESSION_ONLY);
  if (ctx.flags.raw === true) return printLine(created.token);
  if (ctx.json) return printJson(created);
  success(`Rotated token "${created.name}": new prefix ${created.prefix}, expires ${formatTime(created.expires_at)}`);
  printLine(created.token);
  info(`Copy it now: it is shown only once. The old secret (${token.prefix}) keeps working for the server's grace period (PAT_ROTATE_GRACE_MINUTES).`);
}

export const tokenGroup: Group = {
  kind: "group",
  name: "token",
  summary: "Create, list, rotate and revoke your personal access tokens",
  children: [
    {
      kind: "command",
      name: "create",
      summary: "Create a personal access token (shown once)",
      maxArgs: 0,
      flags: {
        name: { type: "string", description: "what the token is for (asked for on a terminal)" },
        ttl: {
          type: "string",
          valueName: `${TTL_CHOICES.join("|")}|never`,
          description: `lifetime (default: the server's, ${DEFAULT_TOKEN_LIFETIME_DAYS}d unless it allows less; asked for on a terminal)`,
        },
        scope: {
          type: "string",
          multiple: true,
          valueName: "scope",
          description: `what the token may do, repeatable (${TOKEN_SCOPE_NAMES.join(", ")}); a terminal asks, preselecting ${DEFAULT_PICKED_SCOPES.join(" + ")}; a script without it gets all`,
        },
        raw: { type: "boolean", description: "print only the token (for CI)" },
        ...JSON_FLAG,
      },
      run: createToken,
    },
    { kind: "command", name: "list", summary: "List your tokens", maxArgs: 0, flags: JSON_FLAG, run: listTokens },
    {
      kind: "command",
      name: "rotate",
      summary: "Replace a token's secret (same name, scopes and lifetime; the old one works a while longer)",
      args: "<id|prefix|name>",
      minArgs: 1,
      maxArgs: 1,
      flags: { raw: { type: "boolean", description: "print only the new token (for CI)" }, ...JSON_FLAG },
      run: rotateToken,
    },
    {
      kind: "command",
      name: "revoke",
      summary: "Revoke one of your tokens (asks to confirm on a terminal)",
      args: "<id|prefix|name>",
      minArgs: 1,
      maxArgs: 1,
      flags: { ...YES_FLAG, ...JSON_FLAG },
      run: revokeToken,
    },
  ],
};
