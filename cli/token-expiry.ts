// The server says, on every answer to a token that expires within a week, when it expires
// (X-Agnes-Token-Expires). `da` prints one line about it on stderr, at most once a day (a stamp in
// the config directory) and never with --json, whose output scripts parse.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TOKEN_EXPIRES_HEADER } from "../src/shared/contract";
import { configDir } from "./config";
import { sys } from "./system";

const DAY_MS = 24 * 60 * 60 * 1000;
const seen = { expiresAt: null as string | null };

/** Called with every answer: remembers the expiry the server announced. */
export function noteTokenExpiry(response: Response): void {
  const value = response.headers.get(TOKEN_EXPIRES_HEADER);
  if (value && !Number.isNaN(Date.parse(value))) seen.expiresAt = value;
}

/** After the command, once a day: the warning line (`print` false with --json). Never fails the command. */
export function warnTokenExpiry(print: boolean): void {
  const expiresAt = seen.expiresAt;
  seen.expiresAt = null;
  if (!expiresAt || !print) return;
  const stamp = join(configDir(), "token-expiry-warned");
  try {
    if (existsSync(stamp) && Date.now() - Number(readFileSync(stamp, "utf8")) < DAY_MS) return;
    mkdirSync(configDir(), { recursive: true, mode: 0o700 });
    writeFileSync(stamp, String(Date.now()), { mode: 0o600 });
  } catch {
    return;
  }
  const days = Math.max(0, Math.ceil((Date.parse(expiresAt) - Date.now()) / DAY_MS));
  sys().stderr.write(`warning: this token expires in ${days} day(s), at ${expiresAt}: rotate it with \`da auth token rotate NAME\` (in a session)\n`);
}
