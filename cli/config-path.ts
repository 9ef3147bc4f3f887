// Where `da` keeps its state (cli/config.ts reads and writes it). No imports, so that main.ts's quick
// `da --version` can look for the files without loading node:path or node:fs.

/**
 * The parts whose join is da's folder: `$DA_CONFIG_DIR`, else `$XDG_CONFIG_HOME/da`, else
 * `$HOME/.config/da` (read at call time).
 */
export function configDirParts(env: Record<string, string | undefined>): string[] {
  if (env.DA_CONFIG_DIR) return [env.DA_CONFIG_DIR];
  if (env.XDG_CONFIG_HOME) return [env.XDG_CONFIG_HOME, "da"];
  return [env.HOME ?? env.USERPROFILE ?? ".", ".config", "da"];
}

export const CONFIG_FILE = "config.yml";
export const CREDENTIALS_FILE = "credentials.json";

/** What `da version` says on stderr when it has no server to ask. */
export const NO_SERVER_NOTICE = "No server configured; run `da login` to pick one.";
