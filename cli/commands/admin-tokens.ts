// `da admin tokens list|revoke`: every user's personal access tokens (admin role).
import type { AdminToken } from "../../src/shared/contract";
import { JSON_FLAG, YES_FLAG, type Group } from "../command";
import type { Context } from "../context";
import { info, printJson, printTable, success } from "../output";
import { askConfirm, isInteractive } from "../prompts";
import { findToken, TOKEN_COLUMNS } from "./tokens";

async function listAllTokens(ctx: Context): Promise<void> {
  const tokens = await ctx.api().get<AdminToken[]>("/auth/admin/tokens");
  if (ctx.json) return printJson(tokens);
  const owner = { header: "USER", value: (t: AdminToken) => t.user_email };
  printTable(tokens, [owner, ...TOKEN_COLUMNS], "No tokens.");
}

async function revokeAnyToken(ctx: Context): Promise<void> {
  const api = ctx.api();
  const token = findToken(await api.get<AdminToken[]>("/auth/admin/tokens"), ctx.args[0]!);
  const label = `"${token.name}" (${token.prefix}) of ${token.user_email}`;
  if (token.revoked_at) return info(`Token ${label} is already revoked.`);
  if (isInteractive() && ctx.flags.yes !== true && !(await askConfirm(`Revoke token ${label}?`))) {
    return info("Nothing was changed.");
  }
  await api.delete(`/auth/admin/tokens/${encodeURIComponent(token.id)}`);
  success(`Revoked token ${label}`);
}

export const adminTokenGroup: Group = {
  kind: "group",
  name: "tokens",
  summary: "Everyone's personal access tokens",
  children: [
    { kind: "command", name: "list", summary: "List every user's tokens", maxArgs: 0, flags: JSON_FLAG, run: listAllTokens },
    {
      kind: "command",
      name: "revoke",
      summary: "Revoke anyone's token by id (or prefix); asks to confirm on a terminal",
      args: "<id>",
      minArgs: 1,
      maxArgs: 1,
      flags: YES_FLAG,
      run: revokeAnyToken,
    },
  ],
};
