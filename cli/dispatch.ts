// `da` after main.ts's quick answers: argv → command. Walks the command table (cli/tree.ts), loading only the area of the command
// being run, parses flags for the command found, runs it, and turns every failure into one message
// and an exit code (0 ok, 1 failed, 2 usage) — as `{"error", "hint"}` on stderr with --json.
import { GLOBAL_FLAGS, parseFlags, takesValue } from "./args";
import { commandHelp, findChild, groupHelp, type Command, type Group } from "./command";
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from "./errors";
import { printError } from "./output";
import { closest } from "./suggest";
import { sys } from "./system";
import { ANY_SERVER_VERSION, ROOT, ROOT_FLAGS, resolve } from "./tree";

type Found = { path: string[]; node: Command | Group; rest: string[] };

function unknownCommand(path: string[], group: Group, token: string): UsageError {
  const guess = closest(
    token,
    group.children.map((child) => child.name),
  );
  const name = path.slice(1).concat(token).join(" ");
  return new UsageError(`unknown command "${name}"`, guess ? `did you mean \`${path.join(" ")} ${guess}\`?` : `run \`${path.join(" ")} --help\``);
}

/** Follow command names down the tree; flags met on the way stay in `rest` for the final parse. */
async function locate(tokens: string[]): Promise<Found> {
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
    const child = findChild(node, token);
    if (!child) throw unknownCommand(path, node, token);
    node = await resolve(child);
    path.push(node.name);
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
  if (flags.version === true) return runCommand({ path: ["da", "version"], node: (await import("./commands/version")).versionCommand, rest: [] });
  const help = groupHelp(found.path, found.node, found.node === ROOT ? ROOT_FLAGS : {});
  if (flags.help === true) {
    sys().stdout.write(help);
    return EXIT_OK;
  }
  sys().stderr.write(help);
  return EXIT_USAGE;
}

function checkArity(command: Command, positionals: string[], usage: string): void {
  if (positionals.length < (command.minArgs ?? 0)) {
    throw new UsageError(`missing argument ${command.args ?? ""}`.trim(), usage);
  }
  if (positionals.length > (command.maxArgs ?? Infinity)) {
    throw new UsageError(`unexpected argument "${positionals[command.maxArgs ?? 0]}"`, usage);
  }
}

async function runCommand(found: Found & { node: Command }): Promise<number> {
  const command = found.node;
  const usage = `run \`${found.path.join(" ")} --help\``;
  const { flags, positionals } = withHint(usage, () => parseFlags(found.rest, { ...GLOBAL_FLAGS, ...command.flags }));
  if (flags.help === true) {
    sys().stdout.write(commandHelp(found.path, command));
    return EXIT_OK;
  }
  checkArity(command, positionals, usage);
  const [{ Context }, floor, { warnTokenExpiry }] = await Promise.all([import("./context"), import("./version-floor"), import("./token-expiry")]);
  const ctx = new Context(positionals, flags);
  const anyVersion = ANY_SERVER_VERSION.has(found.path.slice(0, 2).join(" "));
  floor.enforceVersionFloor(!anyVersion);
  const code = (await command.run(ctx)) ?? EXIT_OK;
  if (code === EXIT_OK && flags.json !== true && !anyVersion) await floor.mentionNewerDa(serverOrNull(ctx));
  warnTokenExpiry(flags.json !== true);
  return code;
}

function serverOrNull(ctx: { server(): { url: string } | null }): string | null {
  try {
    return ctx.server()?.url ?? null;
  } catch {
    return null;
  }
}

/**
 * With --json a failure is JSON too, `{"error": …, "hint": …}`, on stderr: stdout stays empty when
 * a command fails, so a script that reads it after checking the exit code never parses an error.
 */
function report(json: boolean, message: string, hint?: string): void {
  if (json) sys().stderr.write(`${JSON.stringify({ error: message, hint: hint ?? null })}\n`);
  else printError(message, hint);
}

export async function run(tokens: string[]): Promise<number> {
  const end = tokens.indexOf("--");
  const json = (end < 0 ? tokens : tokens.slice(0, end)).includes("--json");
  try {
    const found = await locate(tokens);
    if (found.node.kind === "group") return await runGroup(found as Found & { node: Group });
    return await runCommand(found as Found & { node: Command });
  } catch (error) {
    if (error instanceof CliError) {
      report(json, error.message, error instanceof UsageError ? (error.hint ?? "run `da --help`") : error.hint);
      return error.exitCode;
    }
    // Not expected: still one line, no stack (DA_DEBUG=1 shows it for a bug report).
    report(json, `unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    if (sys().env.DA_DEBUG && error instanceof Error) sys().stderr.write(`${error.stack}\n`);
    return EXIT_FAILURE;
  }
}
