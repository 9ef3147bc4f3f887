// `da update`: fetch this platform's binary from the configured server, check its SHA-256 against
// the manifest, and swap it in for the running binary with a rename (atomic on one filesystem),
// so an interrupted or corrupted download never leaves a broken `da` behind.
import { existsSync, readdirSync, renameSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Manifest, ManifestTarget } from "../../src/shared/contract";
import { Api } from "../api";
import { CLI_VERSION } from "../build-info";
import type { Command } from "../command";
import type { Context } from "../context";
import { CliError } from "../errors";
import { success } from "../output";
import { startSpinner, type Spinner } from "../prompts";

const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

function isMusl(): boolean {
  try {
    return readdirSync("/lib").some((name) => name.startsWith("ld-musl-"));
  } catch {
    return false;
  }
}

/** process.platform/arch → the manifest's target names, best first. */
export function targetCandidates(platform: string, arch: string, musl: boolean): string[] {
  const os = platform === "win32" ? "windows" : platform;
  const base = `${os}-${arch}`;
  return os === "linux" && musl ? [`${base}-musl`, base] : [base];
}

export function pickTarget(manifest: Manifest, candidates: string[]): ManifestTarget | undefined {
  for (const name of candidates) {
    const found = manifest.targets.find((target) => target.target === name);
    if (found) return found;
  }
  return undefined;
}

async function download(api: Api, target: ManifestTarget, spinner: Spinner): Promise<Uint8Array> {
  const response = await api.send("GET", target.url, { auth: false, timeoutMs: DOWNLOAD_TIMEOUT_MS });
  if (!response.ok || !response.body) {
    spinner.fail("Download failed");
    throw await api.failure(response, {});
  }
  const chunks: Uint8Array[] = [];
  const reader = response.body.getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) chunks.push(chunk.value);
  } catch (error) {
    spinner.fail("Download failed");
    throw api.unreachable(error, DOWNLOAD_TIMEOUT_MS);
  }
  return Buffer.concat(chunks);
}

function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

function isCompiledBinary(): boolean {
  // A `bun build --compile` binary runs its code from an embedded filesystem.
  return Bun.main.includes("$bunfs") || Bun.main.includes("~BUN");
}

function cannotWrite(dir: string, error: unknown): CliError {
  const code = (error as { code?: string }).code ?? String(error);
  return new CliError(`cannot replace da in ${dir} (${code}); the installed da is unchanged`,
    "re-run with permission to write there, or reinstall with the install script");
}

/** Write the new binary beside the old one, then rename it over; Windows cannot replace a running exe. */
function replaceRunningBinary(bytes: Uint8Array): void {
  const exe = process.execPath;
  const dir = dirname(exe);
  const temp = join(dir, `.${basename(exe)}.${process.pid}.new`);
  try {
    writeFileSync(temp, bytes, { mode: 0o755 });
    chmodSync(temp, 0o755);
  } catch (error) {
    rmSync(temp, { force: true });
    throw cannotWrite(dir, error);
  }
  const old = `${exe}.old`;
  try {
    if (process.platform === "win32") {
      rmSync(old, { force: true });
      renameSync(exe, old);
    }
    renameSync(temp, exe);
  } catch (error) {
    if (process.platform === "win32" && existsSync(old) && !existsSync(exe)) renameSync(old, exe);
    rmSync(temp, { force: true });
    throw cannotWrite(dir, error);
  }
}

async function update(ctx: Context): Promise<void> {
  const server = ctx.requireServer();
  const api = new Api(server.url, null);
  const manifest = await api.get<Manifest>("/cli/manifest.json", undefined, {
    auth: false,
    messages: { 404: `${server.url} has no da binaries to offer (no /cli/manifest.json)` },
  });
  const candidates = targetCandidates(process.platform, process.arch, process.platform === "linux" && isMusl());
  const target = pickTarget(manifest, candidates);
  if (!target) throw new CliError(`${server.url} offers no da for ${candidates[0]}`);
  if (manifest.version === CLI_VERSION) return success(`already up to date (da ${CLI_VERSION})`);
  const spinner = await startSpinner(`Downloading da ${manifest.version} for ${target.target}`);
  const bytes = await download(api, target, spinner);
  if (sha256(bytes) !== target.sha256.toLowerCase()) {
    spinner.fail("Checksum mismatch");
    throw new CliError(`the download's SHA-256 does not match the manifest; the installed da is unchanged`,
      "try again; if it persists, tell your Agnes admin");
  }
  spinner.stop(`Downloaded and verified da ${manifest.version}`);
  if (!isCompiledBinary()) {
    throw new CliError("da update replaces an installed binary; this da runs from source", "build it: bun run build:cli");
  }
  replaceRunningBinary(bytes);
  success(`Updated da ${CLI_VERSION} → ${manifest.version}`);
}

export const updateCommand: Command = {
  kind: "command",
  name: "update",
  summary: "Replace this da with the newest one the server offers (checksum verified)",
  maxArgs: 0,
  run: update,
};
