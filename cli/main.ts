// `da`: the entry point. `da --help`, and `da --version` when no server could be configured, are
// answered here without loading node:fs, node:path or the command table: node:fs alone costs about
// a third of a compiled hello-world's whole start-up (bench/cli-startup.ts). The help text is
// rendered from the command table when da is built (cli/root-help.ts runs as a bundler macro), and
// the config files are looked for with Bun's own file API. Everything else, and every case the
// quick check is not sure of, goes to cli/dispatch.ts, which walks argv down the command table.
import { versionLine } from "./build-info";
import { CONFIG_FILE, CREDENTIALS_FILE, configDirParts, NO_SERVER_NOTICE } from "./config-path";
import { rootHelp } from "./root-help" with { type: "macro" };
import type { System } from "./system";

const ROOT_HELP: string = rootHelp();

/** Runs one command; `system` is the machine it runs on (the process's, or a test's). */
export async function main(tokens: string[], system?: System): Promise<number> {
  const [{ sys, withSystem }, { run }] = await Promise.all([import("./system"), import("./dispatch")]);
  return withSystem(system ?? sys(), () => run(tokens));
}

/** Written whole; a reader that went away (`da --help | head -1`) is not an error (as in cli/system.ts). */
async function print(to: typeof Bun.stdout, text: string): Promise<void> {
  try {
    await Bun.write(to, text);
  } catch (error) {
    if ((error as { code?: string }).code !== "EPIPE") throw error;
  }
}

// A part that is empty, ends in a separator or has a `..` segment is left to node:path's join
// (dispatch): joined with "/" it could name another file than the one `da` reads.
const UNSURE_PART = /^$|[\\/]$|(^|[\\/])\.\.([\\/]|$)/;

/** Whether a server may be configured; null when the quick check cannot tell. */
async function mayHaveServer(env: Record<string, string | undefined>): Promise<boolean | null> {
  if (env.DA_SERVER) return true;
  const parts = configDirParts(env);
  if (parts.some((part) => UNSURE_PART.test(part))) return null;
  const dir = parts.join("/");
  // exists() is false for a directory: reading one finds no server either.
  return (await Bun.file(`${dir}/${CONFIG_FILE}`).exists()) || (await Bun.file(`${dir}/${CREDENTIALS_FILE}`).exists());
}

/** The exit code when this answered, else null (the dispatcher's turn). */
async function quickAnswer(tokens: string[]): Promise<number | null> {
  if (tokens.length !== 1) return null;
  const [only] = tokens;
  if (only === "--help" || only === "-h") {
    await print(Bun.stdout, ROOT_HELP);
    return 0;
  }
  if ((only === "--version" || only === "-v") && (await mayHaveServer(process.env)) === false) {
    await print(Bun.stdout, `${versionLine()}\n`);
    await print(Bun.stderr, `${NO_SERVER_NOTICE}\n`);
    return 0;
  }
  return null;
}

if (import.meta.main) {
  const tokens = process.argv.slice(2);
  process.exitCode = (await quickAnswer(tokens)) ?? (await main(tokens));
}
