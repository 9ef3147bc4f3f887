// `da`: argv → command. Walks the command tree, parses flags for the command found, runs it,
// and turns every failure into one message and an exit code (0 ok, 1 failed, 2 usage).
import { GLOBAL_FLAGS, parseFlags, takesValue, type FlagSpec } from "./args";
import { commandHelp, findChild, groupHelp, type Command, type Group } from "./command";
import { adminGroup } from "./commands/admin";
import { authGroup } from "./commands/auth";
import { login, logout } from "./commands/login";
import { updateCommand } from "./commands/update";
import { versionCommand } from "./commands/version";
import { queryCommand } from "./commands/query";
import { syncCommand } from "./commands/sync";
import { Context } from "./context";
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from "./errors";
import { printError } from "./output";
import { enforceVersionFloor, mentionNewerDa } from "./version-floor";
import { warnTokenExpiry } from "./token-expiry";
import { sys, withSystem, type System } from "./system";

// These work whatever the server's version floor: they are how an old da gets current (or leaves).
const ANY_SERVER_VERSION: ReadonlySet<Command> = new Set([updateCommand, versionCommand, logout]);

const ROOT: Group = {
  kind: "group",
  name: "da",
  summary: "da — the Agnes command-line client: sign in, query and sync data, manage tokens and users.",
  children: [login, logout, queryCommand, syncCommand, authGroup, adminGroup, versionCommand, updateCommand],
};
const ROOT_FLAGS: FlagSpec = { version: { type: "boolean", short: "v", description: "print da's version, and the server's when reachable" } };

type Found = { path: string[]; node: Command | Group; rest: string[] };

/** Follow command names down the tree; flags met on the way stay in `rest` for the final parse. */
function locate(tokens: string[]): Found {
  const path = ["da"];
  const rest: string[] = [];
  let node: Command | Group = ROOT;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (node.kind === "command" || token === "--") {
      rest.push(...tokens.slice(i));
      break;
    }
    if (token.startsWith("-")) {
      rest.push(token);
      const spec = node.default ? { ...GLOBAL_FLAGS, ...node.default.flags } : GLOBAL_FLAGS;
      if (takesValue(spec, token) && i + 1 < tokens.length) rest.push(tokens[++i]!);
      continue;
    }
    const child: Command | Group | undefined = findChild(node, token);
    if (!child) throw new UsageError(`unknown command "${path.slice(1).concat(token).join(" ")}"`, `run \`${path.join(" ")} --help\``);
    path.push(child.name);
    node = child;
  }
  return { path, node, rest };
}

/** A flag error names the help of the command it happened in. */
function withHint<T>(hint: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UsageError && !error.hint) throw new UsageError(error.message, hint);
    throw error;
  }
}

async function runGroup(found: Found & { node: Group }): Promise<number> {
  const fallback = found.node.default;
  if (fallback && !found.rest.some((t) => t === "--help" || t === "-h")) return runCommand({ ...found, node: fallback });
  const spec = { ...GLOBAL_FLAGS, ...(found.node === ROOT ? ROOT_FLAGS : {}) };
  const { flags } = withHint(`run \`${found.path.join(" ")} --help\``, () => parseFlags(found.rest, spec));
  // `da --version` is `da version`: this da, and the server's when one is configured and answers.
  if (flags.version === true) return (await versionCommand.run(new Context([], flags))) ?? EXIT_OK;
  const help = groupHelp(found.path, found.node, found.node === ROOT ? ROOT_FLAGS : {});
  if (flags.help === true) {
    sys().stdout.write(help);
    return EXIT_OK;
  }
  sys().stderr.write(help);
  return EXIT_USAGE;
}

async function runCommand(found: Found & { node: Command }): Promise<number> {
  const command = found.node;
  const usage = `run \`${found.path.join(" ")} --help\``;
  const { flags, positionals } = withHint(usage, () => parseFlags(found.rest, { ...GLOBAL_FLAGS, ...command.flags }));
  if (flags.help === true) {
    sys().stdout.write(commandHelp(found.path, command));
    return EXIT_OK;
  }
  if (positionals.length < (command.minArgs ?? 0)) {
    throw new UsageError(`missing argument ${command.args ?? ""}`.trim(), usage);
  }
  if (positionals.length > (command.maxArgs ?? Infinity)) {
    throw new UsageError(`unexpected argument "${positionals[command.maxArgs ?? 0]}"`, usage);
  }
  const ctx = new Context(positionals, flags);
  enforceVersionFloor(!ANY_SERVER_VERSION.has(command));
  const code = (await command.run(ctx)) ?? EXIT_OK;
  if (code === EXIT_OK && flags.json !== true && !ANY_SERVER_VERSION.has(command)) await mentionNewerDa(serverOrNull(ctx));
  warnTokenExpiry(flags.json !== true);
  return code;
}

function serverOrNull(ctx: Context): string | null {
  try {
    return ctx.server()?.url ?? null;
  } catch {
    return null;
  }
}

/** Runs one command; `system` is the machine it runs on (the process's, or a test's). */
export function main(tokens: string[], system: System = sys()): Promise<number> {
  return withSystem(system, () => run(tokens));
}

async function run(tokens: string[]): Promise<number> {
  try {
    const found = locate(tokens);
    if (found.node.kind === "group") return await runGroup(found as Found & { node: Group });
    return await runCommand(found as Found & { node: Command });
  } catch (error) {
    if (error instanceof UsageError) {
      printError(error.message, error.hint ?? "run `da --help`");
      return error.exitCode;
    }
    if (error instanceof CliError) {
      printError(error.message, error.hint);
      return error.exitCode;
    }
    // Not expected: still one line, no stack (DA_DEBUG=1 shows it for a bug report).
    printError(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    if (sys().env.DA_DEBUG && error instanceof Error) sys().stderr.write(`${error.stack}\n`);
    return EXIT_FAILURE;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
