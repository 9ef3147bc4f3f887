// Flags are declared per command (FlagSpec) and parsed by node:util's parseArgs in strict mode:
// long flags (`--name value`, `--name=value`), short aliases and groups (`-h`, `-hy`), `--` to end
// flags. An unknown flag, a missing value or a value outside a flag's `choices` is a usage error.
import type { ParseArgsOptionsConfig } from "node:util";
import { UsageError } from "./errors";
import { closest } from "./suggest";

export type FlagDef = {
  type: "string" | "boolean";
  description: string;
  short?: string;
  /** Shown in help, e.g. `--ttl <7d|30d|never>`; defaults to the choices, else the flag's name. */
  valueName?: string;
  /** The only values a string flag accepts (parseArgs has no enum, so checked after parsing). */
  choices?: readonly string[];
  /** A string flag that may be given several times (`--scope query --scope sync`): a list. */
  multiple?: boolean;
};
export type FlagSpec = Record<string, FlagDef>;
export type FlagValues = Record<string, string | boolean | string[] | undefined>;
export type ParsedArgs = { flags: FlagValues; positionals: string[] };

export const GLOBAL_FLAGS: FlagSpec = {
  server: { type: "string", valueName: "url", description: "Agnes server URL (else DA_SERVER, else config)" },
  token: { type: "string", valueName: "token", description: "token to use (else DA_TOKEN, else stored login)" },
  help: { type: "boolean", short: "h", description: "show help" },
};

// node:util is a large module in a compiled binary (~8 ms): loaded when flags are parsed, so
// `da --version` and `da --help` never load it.
const parseArgs: typeof import("node:util").parseArgs = (config) => (require("node:util") as typeof import("node:util")).parseArgs(config);

function toOptions(spec: FlagSpec): ParseArgsOptionsConfig {
  const options: ParseArgsOptionsConfig = {};
  for (const [name, def] of Object.entries(spec)) {
    options[name] = { type: def.type, ...(def.short ? { short: def.short } : {}), ...(def.multiple ? { multiple: true } : {}) };
  }
  return options;
}

/** parseArgs's own `-x` "option-like" test: a value that looks like a flag is not taken as one. */
const looksLikeFlag = (value: string) => value.length > 1 && value.startsWith("-");

/**
 * parseArgs's messages are long and differ between runtimes; re-read argv as tokens (non-strict
 * mode never throws) and name the first flag that is wrong, and how.
 */
function explain(args: string[], spec: FlagSpec, error: unknown): UsageError {
  const { tokens } = parseArgs({ args, options: toOptions(spec), strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const def = Object.hasOwn(spec, token.name) ? spec[token.name] : undefined;
    if (!def) {
      const guess = token.rawName.startsWith("--") ? closest(token.name, Object.keys(spec)) : null;
      return new UsageError(`unknown flag ${token.rawName}`, guess ? `did you mean --${guess}?` : undefined);
    }
    if (def.type === "boolean" && token.value !== undefined) return new UsageError(`${token.rawName} takes no value`);
    if (def.type === "string" && (token.value === undefined || (!token.inlineValue && looksLikeFlag(token.value)))) {
      return new UsageError(`${token.rawName} needs a value`);
    }
  }
  return new UsageError(error instanceof Error ? error.message : String(error));
}

function checkChoices(flags: FlagValues, spec: FlagSpec): void {
  for (const [name, def] of Object.entries(spec)) {
    const value = flags[name];
    for (const one of typeof value === "string" ? [value] : Array.isArray(value) ? value : []) {
      if (def.choices && !def.choices.includes(one)) throw new UsageError(`--${name} must be one of ${def.choices.join(", ")}, not "${one}"`);
    }
  }
}

export function parseFlags(args: string[], spec: FlagSpec): ParsedArgs {
  let parsed: { values: FlagValues; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: toOptions(spec), strict: true, allowPositionals: true }) as typeof parsed;
  } catch (error) {
    throw explain(args, spec, error);
  }
  checkChoices(parsed.values, spec);
  return { flags: parsed.values, positionals: parsed.positionals };
}

/** Does this token take the next one as its value? Used while walking to a subcommand. */
export function takesValue(spec: FlagSpec, token: string): boolean {
  if (token.includes("=")) return false;
  const def = token.startsWith("--")
    ? Object.hasOwn(spec, token.slice(2))
      ? spec[token.slice(2)]
      : undefined
    : Object.values(spec).find((candidate) => candidate.short === token.slice(1));
  return def?.type === "string";
}
