// A small argv parser: long flags (`--name value`, `--name=value`), short aliases (`-h`, `-y`),
// booleans, `--` to end flags. Unknown flags are usage errors, never silently ignored.
import { UsageError } from "./errors";

export type FlagDef = {
  type: "string" | "boolean";
  description: string;
  short?: string;
  /** Shown in help, e.g. `--ttl <7d|30d|never>`. */
  valueName?: string;
};
export type FlagSpec = Record<string, FlagDef>;
export type FlagValues = Record<string, string | boolean | undefined>;
export type ParsedArgs = { flags: FlagValues; positionals: string[] };

export const GLOBAL_FLAGS: FlagSpec = {
  server: { type: "string", valueName: "url", description: "Agnes server URL (else DA_SERVER, else config)" },
  token: { type: "string", valueName: "token", description: "token to use (else DA_TOKEN, else stored login)" },
  help: { type: "boolean", short: "h", description: "show help" },
};

function findFlag(spec: FlagSpec, token: string): [string, FlagDef] | undefined {
  if (token.startsWith("--")) {
    const name = token.slice(2);
    return spec[name] ? [name, spec[name]] : undefined;
  }
  return Object.entries(spec).find(([, def]) => def.short === token.slice(1));
}

export function parseArgs(tokens: string[], spec: FlagSpec): ParsedArgs {
  const flags: FlagValues = {};
  const positionals: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === "--") {
      positionals.push(...tokens.slice(i + 1));
      break;
    }
    if (!token.startsWith("-") || token === "-") {
      positionals.push(token);
      continue;
    }
    const eq = token.indexOf("=");
    const [key, inline] = eq > 0 ? [token.slice(0, eq), token.slice(eq + 1)] : [token, undefined];
    const found = findFlag(spec, key);
    if (!found) throw new UsageError(`unknown flag ${key}`);
    const [name, def] = found;
    if (def.type === "boolean") {
      if (inline !== undefined) throw new UsageError(`${key} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = inline ?? tokens[++i];
    if (value === undefined) throw new UsageError(`${key} needs a value`);
    flags[name] = value;
  }
  return { flags, positionals };
}

/** Does this token take the next one as its value? Used while walking to a subcommand. */
export function takesValue(spec: FlagSpec, token: string): boolean {
  if (token.includes("=")) return false;
  return findFlag(spec, token)?.[1].type === "string";
}
