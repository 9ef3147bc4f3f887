// The shape of the command tree and its help text. Each area (cli/commands/*.ts) exports its
// commands; main.ts assembles the tree and walks argv down it.
import { GLOBAL_FLAGS, type FlagSpec } from "./args";
import type { Context } from "./context";

export type Command = {
  kind: "command";
  name: string;
  summary: string;
  /** Positional part of the usage line, e.g. `<id|email> <role>`. */
  args?: string;
  minArgs?: number;
  maxArgs?: number;
  flags?: FlagSpec;
  description?: string;
  /** Returns the exit code; undefined means 0. */
  run(ctx: Context): Promise<number | void>;
};

/** A command or group whose module loads when it is used (cli/tree.ts). */
export type Lazy = { kind: "lazy"; name: string; summary: string; group?: boolean; load(): Promise<Command | Group> };
export type Node = Command | Group | Lazy;

export type Group = {
  kind: "group";
  name: string;
  summary: string;
  children: Node[];
  /** Run when the group is named with no subcommand (`da auth token` prints the token, as gh does). */
  default?: Command;
};

export const JSON_FLAG: FlagSpec = { json: { type: "boolean", description: "print JSON (the API's field names)" } };
export const YES_FLAG: FlagSpec = { yes: { type: "boolean", short: "y", description: "do not ask to confirm" } };
/** List commands page like the API; its default and largest page size are the server's. */
export const PAGING_FLAGS: FlagSpec = {
  limit: { type: "string", valueName: "n", description: "at most n rows (default: the server's page size)" },
  offset: { type: "string", valueName: "n", description: "skip the first n rows" },
};

/** `ls` and `rm` work wherever a list or a removal does (as in gh). */
export const ALIASES: Record<string, readonly string[]> = { ls: ["list", "list-users"], rm: ["revoke", "delete", "remove", "delete-user"] };

export function findChild(group: Group, name: string): Node | undefined {
  const exact = group.children.find((child) => child.name === name);
  if (exact || !Object.hasOwn(ALIASES, name)) return exact;
  for (const target of ALIASES[name]!) {
    const aliased = group.children.find((child) => child.name === target);
    if (aliased) return aliased;
  }
  return undefined;
}

function flagLines(spec: FlagSpec): string[] {
  const entries = Object.entries(spec).map(([name, def]) => {
    const short = def.short ? `-${def.short}, ` : "";
    const value = def.type === "string" ? ` <${def.valueName ?? def.choices?.join("|") ?? name}>` : "";
    return [`  ${short}--${name}${value}`, def.description] as const;
  });
  const width = Math.max(...entries.map(([left]) => left.length));
  return entries.map(([left, description]) => `${left.padEnd(width)}   ${description}`);
}

export function commandHelp(path: string[], command: Command): string {
  const lines = [`Usage: ${path.join(" ")}${command.args ? ` ${command.args}` : ""} [flags]`, "", command.summary];
  if (command.description) lines.push("", command.description);
  if (command.flags && Object.keys(command.flags).length) lines.push("", "Flags:", ...flagLines(command.flags));
  lines.push("", "Global flags:", ...flagLines(GLOBAL_FLAGS));
  return `${lines.join("\n")}\n`;
}

const ENVIRONMENT_HELP = [
  "Environment:",
  "  DA_TOKEN          token to use when --token is not given (a personal access token in CI)",
  "  DA_SERVER         server URL when --server is not given",
  "  DA_CONFIG_DIR     where config.yml and the credential live (else $XDG_CONFIG_HOME/da, ~/.config/da)",
  "  DA_CREDENTIAL_STORE  file: keep the secret in the 0600 file, not the OS keychain",
  "  DA_TIMEOUT        seconds to wait for the server (default 15)",
  "  NO_COLOR          plain output without colours",
  "",
];

export function groupHelp(path: string[], group: Group, extra: FlagSpec = {}): string {
  const rows = group.children.map((child) => {
    const name = child.kind === "group" || (child.kind === "lazy" && child.group) ? `${child.name} …` : child.name;
    return [name, child.summary] as const;
  });
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = [
    `Usage: ${path.join(" ")} <command> [flags]`,
    "",
    group.summary,
    "",
    ...(group.default ? [`Without a command: ${group.default.summary}`, ...flagLines(group.default.flags ?? {}), ""] : []),
    "Commands:",
    ...rows.map(([name, summary]) => `  ${name.padEnd(width)}   ${summary}`),
    "",
    "Global flags:",
    ...flagLines({ ...GLOBAL_FLAGS, ...extra }),
    "",
    ...(path.length === 1 ? ENVIRONMENT_HELP : []),
    `Run \`${path.join(" ")} <command> --help\` for a command's flags.`,
  ];
  return `${lines.join("\n")}\n`;
}
