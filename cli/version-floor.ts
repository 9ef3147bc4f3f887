// The server's version floor (X-Agnes-CLI-Min-Version on every response) and the once-a-day note
// about a newer `da`. An older `da` stops before it changes anything (exit 2): a request that
// changes something is preceded by one cheap GET /health when no response has been seen yet.
// `da update`, `da version` and `da logout` must work whatever the floor (main.ts leaves it off).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI_MIN_VERSION_HEADER, type Manifest } from "../src/shared/contract";
import { CLI_VERSION } from "./build-info";
import { configDir } from "./config";
import { CliError, EXIT_USAGE } from "./errors";
import { sys } from "./system";

const DAY_MS = 24 * 60 * 60 * 1000;
const NOTICE_TIMEOUT_MS = 2_000;

const floor = { enforced: false, checked: false };

export function enforceVersionFloor(on: boolean): void {
  floor.enforced = on;
}

/** Whether a request that changes something must first learn the floor (nothing answered yet). */
export function needsFloorCheck(method: string): boolean {
  return floor.enforced && !floor.checked && method !== "GET" && method !== "HEAD";
}

/** Throws (exit 2) when the server's floor is above this da. */
export function checkVersionFloor(response: Response): void {
  if (!floor.enforced) return;
  floor.checked = true;
  const min = response.headers.get(CLI_MIN_VERSION_HEADER);
  if (min && Bun.semver.order(CLI_VERSION, min) < 0) {
    throw new CliError(`this server needs da ≥ ${min}; run \`da update\``, `this is da ${CLI_VERSION}; nothing was changed`, EXIT_USAGE);
  }
}

/** At most once a day, on stderr: the server offers a newer da. Never fails the command. */
export async function mentionNewerDa(server: string | null): Promise<void> {
  if (!server) return;
  const stamp = join(configDir(), "newer-da-checked");
  try {
    if (existsSync(stamp) && Date.now() - Number(readFileSync(stamp, "utf8")) < DAY_MS) return;
    mkdirSync(configDir(), { recursive: true, mode: 0o700 });
    writeFileSync(stamp, String(Date.now()), { mode: 0o600 });
    const response = await sys().fetch(new URL("/cli/manifest.json", `${server}/`), { signal: AbortSignal.timeout(NOTICE_TIMEOUT_MS) });
    const manifest = (await response.json()) as Partial<Manifest>;
    if (typeof manifest.version === "string" && Bun.semver.order(manifest.version, CLI_VERSION) > 0) {
      sys().stderr.write(`note: a newer da (${manifest.version}) is available on ${server}: run \`da update\`\n`);
    }
  } catch {
    // unreachable or not a manifest: say nothing, try again tomorrow
  }
}
