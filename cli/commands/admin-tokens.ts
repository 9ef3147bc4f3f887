// `da admin tokens list|revoke`: every user's personal access tokens (admin role).
import { PAGING, TOKEN_STATE_FILTERS, type AdminToken } from "../../src/shared/contract";
import { JSON_FLAG, PAGING_FLAGS, YES_FLAG, type Group } from "../command";
import type { Context } from "../context";
import { CliError, ServerError } from "../errors";
import { done, info, notePartialPage, printJson, printTable } from "../output";
import { askConfirm, isInteractive } from "../prompts";
import { findToken, TOKEN_COLUMNS } from "./tokens";

async function listAllTokens(ctx: Context): Promise<void> {
  const paging = ctx.paging();
  const query = { user: ctx.flag("user"), state: ctx.flag("state"), ...paging };
  const { items: tokens, total } = await ctx.api().getPage<AdminToken>("/auth/admin/tokens", query);
  notePartialPage(tokens.length, paging.offset, total, "tokens");
  if (ctx.json) return printJson(tokens);
  const owner = { header: "USER", value: (t: AdminToken) => t.user_email };
  printTable(tokens, [owner, ...TOKEN_COLUMNS], "No tokens.");
}

/** Every token (page by page), to find one by prefix or name when it is not an id. */
async function findAnyToken(ctx: Context, ref: string): Promise<AdminToken> {
  const api = ctx.api();
  const all: AdminToken[] = [];
  for (let offset = 0; ; offset += PAGING.maxLimit) {
    const { items, total } = await api.getPage<AdminToken>("/auth/admin/tokens", { limit: PAGING.maxLimit, offset });
    all.push(...items);
    if (items.length < PAGING.maxLimit || (total !== null && all.length >= total)) break;
  }
  try {
    return findToken(all, ref);
  } catch (error) {
    if (error instanceof CliError && error.message.startsWith("no token"))
      throw new CliError(error.message, "see `da admin tokens list` for ids, prefixes and names");
    throw error;
  }
}

/**
 * An id is revoked with one DELETE (the server's answer is the truth: 404 unknown, 204 also when
 * already revoked); anything else is looked up as a prefix or a name among everyone's tokens.
 */
async function revokeAnyToken(ctx: Context): Promise<void> {
  const ref = ctx.args[0]!;
  const token = /^[0-9a-f]{32}$/.test(ref) ? null : await findAnyToken(ctx, ref);
  const id = token?.id ?? ref;
  const label = token ? `"${token.name}" (${token.prefix}) of ${token.user_email}` : id;
  if (isInteractive() && ctx.flags.yes !== true && !(await askConfirm(`Revoke token ${label}? Whatever uses it stops working.`))) {
    return info("Nothing was changed.");
  }
  try {
    await ctx.api().delete(`/auth/admin/tokens/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error instanceof ServerError && error.status === 404) {
      throw new ServerError(404, `no token with id "${id}"`, "see `da admin tokens list` for ids, prefixes and names");
    }
    throw error;
  }
  done(ctx.json, `Revoked token ${label}`, { revoked: true, id, ...(token ? { name: token.name, prefix: token.prefix, user_email: token.user_email } : {}) });
}

export const adminTokenGroup: Group = {
  kind: "group",
  name: "tokens",
  summary: "Everyone's personal access tokens",
  children: [
    {
      kind: "command",
      name: "list",
      summary: "List every user's tokens, newest first",
      maxArgs: 0,
      flags: {
        user: { type: "string", valueName: "id|email", description: "only this user's tokens" },
        state: { type: "string", choices: TOKEN_STATE_FILTERS, description: "only tokens in this state" },
        ...PAGING_FLAGS,
        ...JSON_FLAG,
      },
      run: listAllTokens,
    },
    {
      kind: "command",
      name: "revoke",
      summary: "Revoke anyone's token by id, prefix or name; asks to confirm on a terminal",
      args: "<id|prefix|name>",
      minArgs: 1,
      maxArgs: 1,
      flags: { ...YES_FLAG, ...JSON_FLAG },
      run: revokeAnyToken,
    },
  ],
};
