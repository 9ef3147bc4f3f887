// `da admin tokens list|revoke`: every user's personal access tokens (admin role).
import { TOKEN_STATE_FILTERS, type AdminToken } from "../../src/shared/contract";
import { JSON_FLAG, PAGING_FLAGS, YES_FLAG, type Group } from "../command";
import type { Context } from "../context";
import { ServerError } from "../errors";
import { info, notePartialPage, printJson, printTable, success } from "../output";
import { askConfirm, isInteractive } from "../prompts";
import { TOKEN_COLUMNS } from "./tokens";

async function listAllTokens(ctx: Context): Promise<void> {
  const paging = ctx.paging();
  const query = { user: ctx.flag("user"), state: ctx.flag("state"), ...paging };
  const { items: tokens, total } = await ctx.api().getPage<AdminToken>("/auth/admin/tokens", query);
  notePartialPage(tokens.length, paging.offset, total, "tokens");
  if (ctx.json) return printJson(tokens);
  const owner = { header: "USER", value: (t: AdminToken) => t.user_email };
  printTable(tokens, [owner, ...TOKEN_COLUMNS], "No tokens.");
}

/**
 * Revoke by id with one DELETE: looking the token up in a list first would only ever see that
 * list's first page. The server's answer is the truth (404 unknown, 204 also when already revoked).
 */
async function revokeAnyToken(ctx: Context): Promise<void> {
  const id = ctx.args[0]!;
  if (isInteractive() && ctx.flags.yes !== true && !(await askConfirm(`Revoke token ${id}? Whatever uses it stops working.`))) {
    return info("Nothing was changed.");
  }
  try {
    await ctx.api().delete(`/auth/admin/tokens/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error instanceof ServerError && error.status === 404) {
      throw new ServerError(404, `no token with id "${id}"`, "see `da admin tokens list` for ids");
    }
    throw error;
  }
  success(`Revoked token ${id}`);
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
      summary: "Revoke anyone's token by id; asks to confirm on a terminal",
      args: "<id>",
      minArgs: 1,
      maxArgs: 1,
      flags: YES_FLAG,
      run: revokeAnyToken,
    },
  ],
};
