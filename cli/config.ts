// Where `da` keeps its state: `config.yml` (plain `key: value` lines; the installer writes
// `server: <url>` into it, so other keys and lines are kept as they are; `server:` is the active
// server) and `credentials.json` (the stored sign-ins, cli/credentials.ts; mode 0600, written
// atomically so a crash never leaves half a secret).
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE, CREDENTIALS_FILE, configDirParts } from "./config-path";
import { sys } from "./system";

/** `$DA_CONFIG_DIR`, else `$XDG_CONFIG_HOME/da`, else `$HOME/.config/da` (read at call time). */
export const configDir = (env: Record<string, string | undefined> = sys().env): string => join(...configDirParts(env));
export const configFile = () => join(configDir(), CONFIG_FILE);
export const credentialsFile = () => join(configDir(), CREDENTIALS_FILE);

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

function unquote(value: string): string {
  const quoted = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value);
  return quoted ? quoted[1]! : value;
}

const KEY_LINE = /^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$/;

export function readConfig(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of (readText(configFile()) ?? "").split(/\r?\n/)) {
    if (line.trimStart().startsWith("#")) continue;
    const match = KEY_LINE.exec(line);
    if (match) values[match[1]!] = unquote(match[2]!.replace(/\s+#.*$/, ""));
  }
  return values;
}

/** Set one key, keeping every other line (comments, unknown keys) as it was. */
export function setConfigValue(key: string, value: string): void {
  const lines = (readText(configFile()) ?? "").split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  const index = lines.findIndex((line) => KEY_LINE.exec(line)?.[1] === key);
  if (index >= 0) lines[index] = `${key}: ${value}`;
  else lines.push(`${key}: ${value}`);
  writeAtomically(configFile(), `${lines.join("\n")}\n`, 0o644);
}

function ensureConfigDir(): void {
  mkdirSync(configDir(), { recursive: true, mode: 0o700 });
}

/** Write a temp file with the final mode in the same directory, then rename it into place. */
export function writeAtomically(path: string, content: string, mode: number): void {
  ensureConfigDir();
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(temp, "wx", mode);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  chmodSync(temp, mode); // openSync's mode is filtered by the umask; make it exact
  renameSync(temp, path);
}
