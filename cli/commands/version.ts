// `da version` and `da --version` (main.ts runs this same command): da's baked-in version, then the
// server's version and the newest `da` it offers when a server is configured. Both requests wait
// at most 3 s, so checking a version never hangs like a regular request (15 s) would.
import type { Manifest, VersionInfo } from "../../src/shared/contract";
import { Api } from "../api";
import { keyIdHex, parsePublicKey } from "../../src/shared/minisign";
import { CLI_COMMIT, CLI_SIGNING_KEY, CLI_TARGET, CLI_VERSION, versionLine } from "../build-info";
import { NO_SERVER_NOTICE } from "../config-path";
import { JSON_FLAG, type Command } from "../command";
import type { Context } from "../context";
import { info, printJson, printLine, warn } from "../output";

const VERSION_TIMEOUT_MS = 3_000;

async function fetchOrNull<T>(api: Api, path: string): Promise<T | null> {
  try {
    return await api.get<T>(path, undefined, { auth: false, timeoutMs: VERSION_TIMEOUT_MS });
  } catch {
    return null;
  }
}

async function version(ctx: Context): Promise<void> {
  const server = ctx.server();
  const api = server ? new Api(server.url, null) : null;
  const [serverVersion, manifest] = api
    ? await Promise.all([fetchOrNull<VersionInfo>(api, "/api/version"), fetchOrNull<Manifest>(api, "/cli/manifest.json")])
    : [null, null];
  if (ctx.json) {
    return printJson({
      version: CLI_VERSION,
      commit: CLI_COMMIT,
      target: CLI_TARGET,
      // the id of the release key this da trusts for `da update` (null: a dev build)
      signing_key: CLI_SIGNING_KEY ? keyIdHex(parsePublicKey(CLI_SIGNING_KEY).keyId) : null,
      server_url: server?.url ?? null,
      server: serverVersion,
      available: manifest?.version ?? null,
    });
  }
  printLine(versionLine());
  if (!server) return info(NO_SERVER_NOTICE);
  if (!serverVersion) return info(`Server ${server.url} is not reachable right now.`);
  printLine(`server ${serverVersion.version} (${serverVersion.commit}) at ${server.url}`);
  if (serverVersion.version !== CLI_VERSION) {
    warn(`da ${CLI_VERSION} and the server's ${serverVersion.version} differ`);
  }
  if (manifest && manifest.version !== CLI_VERSION) info(offerLine(manifest.version));
}

function offerLine(offered: string): string {
  let order = 0;
  try {
    order = Bun.semver.order(offered, CLI_VERSION);
  } catch {
    // not a version to compare: say what is offered, no advice
  }
  if (order > 0) return `a newer da (${offered}) is available: run \`da update\``;
  if (order < 0) return `the server offers an older da (${offered}); \`da update --allow-downgrade\` installs it`;
  return `the server offers da ${offered}`;
}

export const versionCommand: Command = {
  kind: "command",
  name: "version",
  summary: "Show da's version and, when reachable, the server's",
  maxArgs: 0,
  flags: JSON_FLAG,
  run: version,
};
