// `da`: the entry point. `da --version` with no server to ask and `da --help` are answered here,
// before the command table and the flag parser load (bench/cli-startup.ts); everything else goes to
// cli/dispatch.ts, which walks argv down the command table and runs the command.
import { existsSync } from "node:fs";
import { CLI_COMMIT, CLI_VERSION } from "./build-info";
import { configFile, credentialsFile } from "./config";
import { sys, withSystem, type System } from "./system";

/** Runs one command; `system` is the machine it runs on (the process's, or a test's). */
export function main(tokens: string[], system: System = sys()): Promise<number> {
  return withSystem(system, () => run(tokens));
}

async function quickAnswer(tokens: string[]): Promise<number | null> {
  if (tokens.length !== 1) return null;
  const [only] = tokens;
  if (only === "--help" || only === "-h") {
    const [{ groupHelp }, { ROOT, ROOT_FLAGS }] = await Promise.all([import("./command"), import("./tree")]);
    sys().stdout.write(groupHelp(["da"], ROOT, ROOT_FLAGS));
    return 0;
  }
  if ((only === "--version" || only === "-v") && !sys().env.DA_SERVER && !existsSync(configFile()) && !existsSync(credentialsFile())) {
    sys().stdout.write(`da ${CLI_VERSION} (${CLI_COMMIT})\n`);
    sys().stderr.write("No server configured; run `da login` to pick one.\n");
    return 0;
  }
  return null;
}

async function run(tokens: string[]): Promise<number> {
  const quick = await quickAnswer(tokens);
  if (quick !== null) return quick;
  return (await import("./dispatch")).run(tokens);
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
