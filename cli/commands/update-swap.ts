// Putting a `da` in place so that the user is never left without a working one, and so that
// nobody else on the machine can make `da update` write somewhere it should not:
// - the directory must be writable by its owner only (another user could otherwise swap the new
//   binary between our check and our rename, or plant a symlink where we are about to write);
// - new files are created with O_CREAT|O_EXCL under a random name, so a symlink planted at that
//   name makes the open fail instead of writing through it;
// - the final step is a rename(2), which replaces a symlink at the destination rather than
//   following it, and is atomic: `da` is always either the old binary or the new one;
// - the replaced binary is kept as da.previous (a hard link, so keeping it costs no space or time)
//   for `da update --rollback`.
import { randomBytes } from "node:crypto";
import { closeSync, fchmodSync, fsyncSync, linkSync, lstatSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { CliError } from "../errors";

const RUN_CHECK_TIMEOUT_MS = 30_000;

/** `da` → `da.previous`, `da.exe` → `da.previous.exe` (Windows runs only names ending in .exe). */
export function previousPath(exe: string): string {
  return /\.exe$/i.test(exe) ? `${exe.slice(0, -4)}.previous.exe` : `${exe}.previous`;
}

function codeOf(error: unknown): string {
  return (error as { code?: string }).code ?? String(error);
}

export function cannotWrite(dir: string, error: unknown): CliError {
  return new CliError(
    `cannot replace da in ${dir} (${codeOf(error)}); the installed da is unchanged`,
    "re-run with permission to write there, or reinstall with the install script",
  );
}

/**
 * Group-writable is accepted only for a user-private group (owner's uid = the group's gid = ours),
 * the default on Debian and Ubuntu with umask 002, where nobody else is in that group.
 */
export function checkInstallDir(dir: string): void {
  if (process.platform === "win32" || !process.getuid) return;
  const st = statSync(dir);
  const me = process.getuid();
  const privateGroup = st.uid === me && st.gid === me && process.getgid?.() === me;
  const others = (st.mode & 0o002) !== 0 || ((st.mode & 0o020) !== 0 && !privateGroup);
  if (!others) return;
  const mode = (st.mode & 0o7777).toString(8).padStart(4, "0");
  throw new CliError(
    `${dir} can be written by other users (mode ${mode}), so da will not update itself there; the installed da is unchanged`,
    `make it writable by you alone (chmod go-w ${dir}), or reinstall da into a directory only you can write`,
  );
}

/** The path must be a plain file of ours, never a symlink someone put there. */
export function requirePlainFile(path: string, what: string): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink() || !st.isFile()) {
    throw new CliError(
      `${path} (${what}) is ${st.isSymbolicLink() ? "a symbolic link" : "not a regular file"}; da will not write through it`,
      "remove it and reinstall da with the install script",
    );
  }
}

/** Creates a new file under a random name in `dir` (O_EXCL: never an existing file or symlink) holding `bytes`. */
export function writeExclusive(dir: string, prefix: string, bytes: Uint8Array): string {
  const path = join(dir, `${prefix}${randomBytes(8).toString("hex")}`);
  const fd = openSync(path, "wx", 0o700);
  try {
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    fchmodSync(fd, 0o755);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw error;
  }
  closeSync(fd);
  return path;
}

/** A second name for `exe` under a random temp name in its directory: a hard link, else a copy. */
function stageCopy(exe: string): string {
  const dir = dirname(exe);
  const path = join(dir, `.${basename(exe)}.keep.${randomBytes(8).toString("hex")}`);
  try {
    linkSync(exe, path);
    return path;
  } catch {
    return writeExclusive(dir, `.${basename(exe)}.keep.`, readFileSync(exe));
  }
}

export type RunCheck = { ok: true; output: string } | { ok: false; reason: string };

/** Runs `binary --version` with no server configured (so no network), and says whether it worked. */
export function runCheck(binary: string): RunCheck {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1", DA_CONFIG_DIR: join(tmpdir(), `da-update-check-${randomBytes(6).toString("hex")}`) };
  try {
    const result = Bun.spawnSync([binary, "--version"], { env, stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: RUN_CHECK_TIMEOUT_MS });
    const output = `${result.stdout.toString()}${result.stderr.toString()}`.trim();
    if (result.exitCode === 0) return { ok: true, output };
    const why = result.exitCode === null ? `killed by ${result.signalCode ?? "a signal"}` : `exit ${result.exitCode}`;
    return { ok: false, reason: output ? `${why}: ${output.split("\n")[0]}` : why };
  } catch (error) {
    return { ok: false, reason: codeOf(error) === "ENOEXEC" ? "not a program this machine can run" : codeOf(error) };
  }
}

/** Cross-compiled Mach-O signatures have been rejected by Gatekeeper (as install.sh, re-sign ad hoc). */
export function resignOnMac(binary: string): void {
  if (process.platform !== "darwin" || !Bun.which("codesign")) return;
  Bun.spawnSync(["codesign", "--remove-signature", binary], { stdout: "ignore", stderr: "ignore" });
  Bun.spawnSync(["codesign", "-fs", "-", binary], { stdout: "ignore", stderr: "ignore" });
}

/** Puts `fresh` (a file in exe's directory) in place of `exe`, keeping the old one as da.previous. */
export function swapIn(exe: string, fresh: string): void {
  const previous = previousPath(exe);
  if (process.platform === "win32") {
    // A running .exe cannot be replaced, but it can be renamed out of the way.
    rmSync(previous, { force: true });
    renameSync(exe, previous);
    try {
      renameSync(fresh, exe);
    } catch (error) {
      renameSync(previous, exe);
      throw error;
    }
    return;
  }
  const kept = stageCopy(exe);
  try {
    renameSync(kept, previous);
  } catch (error) {
    rmSync(kept, { force: true });
    throw error;
  }
  renameSync(fresh, exe);
}

/** Swaps `exe` and its da.previous: rolling back twice is where you started. */
export function swapWithPrevious(exe: string): void {
  const previous = previousPath(exe);
  const kept = process.platform === "win32" ? join(dirname(exe), `.${basename(exe)}.keep.${randomBytes(8).toString("hex")}`) : stageCopy(exe);
  if (process.platform === "win32") renameSync(exe, kept);
  try {
    renameSync(previous, exe);
  } catch (error) {
    if (process.platform === "win32") renameSync(kept, exe);
    else rmSync(kept, { force: true });
    throw error;
  }
  renameSync(kept, previous);
}
