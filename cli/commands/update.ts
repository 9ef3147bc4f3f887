// `da update`: replace this da with the server's newest build of the same target (baked in at build
// time: a baseline build stays baseline, musl stays musl), and only once the release is signed by the
// key this da was built with (update-verify.ts), is not older, and the download has matched the
// signed SHA-256; only then is it written and run (`--version`) on this machine. The replaced binary
// is kept as da.previous; `da update --rollback` puts it back. See update-swap.ts for how files are written.
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import type { Manifest, ManifestTarget } from "../../src/shared/contract";
import { binaryFilename, updateTargets } from "../../src/shared/targets";
import { Api } from "../api";
import { CLI_TARGET, CLI_VERSION } from "../build-info";
import { JSON_FLAG, type Command } from "../command";
import type { Context } from "../context";
import { CliError } from "../errors";
import { done } from "../output";
import { startSpinner } from "../prompts";
import { downloadBinary, fetchManifest } from "./update-fetch";
import { bakedKey, checkNotOlder, signedChecksum, verifiedRelease } from "./update-verify";
import { cannotWrite, checkInstallDir, previousPath, requirePlainFile, resignOnMac, runCheck, swapIn, swapWithPrevious, writeExclusive } from "./update-swap";

/** The build `da update` may install in place of `current`, from what the manifest offers. */
export function pickUpdate(manifest: Manifest, current: string): ManifestTarget | undefined {
  for (const name of updateTargets(current)) {
    const found = manifest.targets.find((target) => target.target === name);
    if (found) return found;
  }
  return undefined;
}

function isCompiledBinary(): boolean {
  // A `bun build --compile` binary runs its code from an embedded filesystem.
  return Bun.main.includes("$bunfs") || Bun.main.includes("~BUN");
}

/** This binary's path and build; refuses when running from source (there is nothing to replace). */
function installed(): { exe: string; target: string } {
  if (!isCompiledBinary() || !CLI_TARGET) {
    throw new CliError("da update replaces an installed binary; this da runs from source", "build it: bun run build:cli");
  }
  return { exe: process.execPath, target: CLI_TARGET };
}

function noBuildFor(server: string, target: string, manifest: Manifest): CliError {
  const offered = manifest.targets.map((x) => x.target);
  return new CliError(
    `${server} offers no da for ${target}${offered.length ? ` (it has: ${offered.join(", ")})` : ""}; the installed da is unchanged`,
    `this da is the ${target} build and is only replaced by the same build; an admin can build it with \`bun run build\``,
  );
}

function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

/** Writes the verified bytes beside `exe`, proves they run here, then swaps them in. */
function install(exe: string, bytes: Uint8Array, label: string): void {
  const dir = dirname(exe);
  let fresh: string;
  try {
    requirePlainFile(exe, "the installed da");
    fresh = writeExclusive(dir, ".da.update.", bytes);
  } catch (error) {
    throw error instanceof CliError ? error : cannotWrite(dir, error);
  }
  try {
    resignOnMac(fresh);
    const check = runCheck(fresh);
    if (!check.ok) {
      throw new CliError(
        `the downloaded ${label} does not run on this machine (${check.reason}); the installed da is unchanged`,
        "tell your Agnes admin: the server's build may be broken",
      );
    }
    swapIn(exe, fresh);
  } catch (error) {
    rmSync(fresh, { force: true });
    throw error instanceof CliError ? error : cannotWrite(dir, error);
  }
}

async function update(ctx: Context): Promise<void> {
  if (ctx.flags.rollback === true) return rollback(ctx.json);
  const { exe, target: current } = installed();
  const baked = bakedKey();
  const server = ctx.requireServer();
  const api = new Api(server.url, null);
  const manifest = await fetchManifest(api);
  const entry = pickUpdate(manifest, current);
  if (!entry) throw noBuildFor(server.url, current, manifest);
  const release = await verifiedRelease(api, manifest, baked);
  if (release.version === CLI_VERSION) return done(ctx.json, `already up to date (da ${CLI_VERSION}, ${current})`, { updated: false, version: CLI_VERSION });
  checkNotOlder(release.version, CLI_VERSION, ctx.flags["allow-downgrade"] === true);
  // The file name comes from the target (not the unsigned manifest), so no other build's line can stand in.
  const expected = signedChecksum(release, binaryFilename(entry.target));
  checkInstallDir(dirname(exe));
  const spinner = await startSpinner(`Downloading da ${manifest.version} for ${entry.target}`);
  const bytes = await downloadBinary(api, entry.target, spinner);
  if (sha256(bytes) !== expected) {
    spinner.fail("Checksum mismatch");
    throw new CliError(
      `the download's SHA-256 does not match the signed SHA256SUMS; the installed da is unchanged`,
      "try again; if it persists, tell your Agnes admin",
    );
  }
  spinner.stop(`Downloaded and verified da ${manifest.version} (${entry.target})`);
  install(exe, bytes, `da ${manifest.version} (${entry.target})`);
  done(ctx.json, `Updated da ${CLI_VERSION} → ${manifest.version}; the previous one is kept as ${previousPath(exe)} (da update --rollback)`, {
    updated: true,
    from: CLI_VERSION,
    version: manifest.version,
    previous: previousPath(exe),
  });
}

function rollback(json: boolean): void {
  const { exe } = installed();
  const previous = previousPath(exe);
  const dir = dirname(exe);
  try {
    requirePlainFile(previous, "the previous da");
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
    throw new CliError(
      `there is no previous da to go back to (${previous} does not exist)`,
      "da update keeps the binary it replaces there; nothing was changed",
    );
  }
  checkInstallDir(dir);
  const check = runCheck(previous);
  if (!check.ok) throw new CliError(`the previous da (${previous}) does not run (${check.reason}); nothing was changed`);
  try {
    requirePlainFile(exe, "the installed da");
    swapWithPrevious(exe);
  } catch (error) {
    throw error instanceof CliError ? error : cannotWrite(dir, error);
  }
  const version = /\d+\.\d+\.\d+[0-9A-Za-z.+-]*/.exec(check.output)?.[0] ?? "the previous version";
  done(json, `Rolled back da ${CLI_VERSION} → ${version}; ${CLI_VERSION} is now kept as ${previous} (run it again to undo)`, {
    rolled_back: true,
    version,
    previous,
  });
}

export const updateCommand: Command = {
  kind: "command",
  name: "update",
  summary: "Replace this da with the newest one the server offers (signature verified, kept as da.previous)",
  maxArgs: 0,
  flags: {
    rollback: { type: "boolean", description: "put back the da that the last update replaced (da.previous)" },
    "allow-downgrade": { type: "boolean", description: "install the server's da even when it is older than this one (still signed)" },
    ...JSON_FLAG,
  },
  description: [
    "Checks that the server's release (SHA256SUMS) is signed by the key this da was built with, or",
    "by a key that key rotated to, and that it is not older than this da (unless --allow-downgrade).",
    "Then downloads the build for the platform this da was built for (a baseline or musl build stays",
    "baseline or musl), checks its SHA-256 against the signed SHA256SUMS, runs it once (`--version`),",
    "and only then swaps it in with an atomic rename. On any failure the installed da is unchanged.",
    "The replaced binary is kept beside it as da.previous for `da update --rollback`.",
    "A redirect to another server is not followed: da says where the server moved and stops.",
  ].join("\n"),
  run: update,
};
