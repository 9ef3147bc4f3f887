// One run at a time in a directory (`da sync`'s DIR/server): a lock file holding the pid of the run
// that holds it. Two `da sync` runs at once wrote the same `.partial` file, the second truncating
// what the first had already hashed, and the first installed a file with a hole of zeros and
// recorded it as up to date. A lock left by a run that was killed (its pid is gone) is taken over.
import { closeSync, linkSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { CliError } from "./errors";

/**
 * Whether another process `pid` is running. This process's own pid is a lock left by an earlier
 * process that had it: in a container every run can be pid 1, and a killed one's lock must not stop
 * the next for good.
 */
const alive = (pid: number): boolean => {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM"; // someone else's process: alive
  }
};

function writePid(path: string): void {
  const fd = openSync(path, "wx", 0o600);
  try {
    writeSync(fd, String(process.pid));
  } finally {
    closeSync(fd);
  }
}

/**
 * Linked into place whole (never seen empty): the pid in a temp file, then link, which fails if the
 * lock exists. Where the file system has no hard links (exFAT, some network shares) the lock is
 * created with O_EXCL and then written: another run reading it in between takes it for stale.
 */
function tryLock(lockFile: string): boolean {
  const temp = `${lockFile}.${process.pid}`;
  rmSync(temp, { force: true });
  writePid(temp);
  try {
    linkSync(temp, lockFile);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS" && code !== "EXDEV") throw error;
  }
  try {
    writePid(lockFile);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "EEXIST") return false;
    throw error;
  }
}

const holderOf = (lockFile: string): number | null => {
  try {
    return Number(readFileSync(lockFile, "utf8"));
  } catch {
    return null; // released meanwhile
  }
};

/**
 * Takes `lockFile` for this process; returns the release. Throws a CliError naming the holder when
 * a live process has it. (Two runs that find the same dead holder at the same instant could both
 * take over: a window only after a killed run, and only for runs started within microseconds.)
 */
export function lockFor(lockFile: string, what: string): () => void {
  const temp = `${lockFile}.${process.pid}`;
  try {
    for (let attempt = 0; !tryLock(lockFile); attempt++) {
      const holder = holderOf(lockFile);
      if (holder !== null && alive(holder)) {
        throw new CliError(
          `another ${what} (process ${holder}) is working in ${dirname(lockFile)}`,
          `wait for it to end; if none is running, remove ${lockFile}`,
        );
      }
      if (attempt > 0) throw new CliError(`cannot take ${lockFile}`, "remove it if no other run is going on");
      if (holder !== null) rmSync(lockFile, { force: true }); // its run was killed
    }
  } finally {
    rmSync(temp, { force: true });
  }
  return () => rmSync(lockFile, { force: true });
}
