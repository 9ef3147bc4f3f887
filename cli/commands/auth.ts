// `da auth whoami` / `da auth status`: who the credential belongs to, on which server, and how.
import type { Me } from "../../src/shared/contract";
import { Api } from "../api";
import { JSON_FLAG, type Command, type Group } from "../command";
import { credentialsFile } from "../config";
import { NO_SERVER_HINT, resolveCredential, type Context, type Credential } from "../context";
import { CliError } from "../errors";
import { bold, formatTime, printJson, printLine } from "../output";
import { tokenGroup } from "./tokens";

function describeSource(credential: Credential): string {
  if (credential.source === "flag") return "--token flag";
  if (credential.source === "env") return "DA_TOKEN environment variable";
  return credentialsFile();
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

const whoamiCommand: Command = {
  kind: "command",
  name: "whoami",
  summary: "Show who you are signed in as, where, and with what (exits 1 when not signed in)",
  maxArgs: 0,
  flags: JSON_FLAG,
  run: whoami,
};

export const authGroup: Group = {
  kind: "group",
  name: "auth",
  summary: "Your sign-in and your personal access tokens",
  children: [whoamiCommand, { ...whoamiCommand, name: "status", summary: "Same as `da auth whoami`" }, tokenGroup],
};
