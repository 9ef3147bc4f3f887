// A secret that lives in a file of its own under $DATA_DIR/state (the session key, the da signing key):
// created once, never over an existing one, and durable before anything signed with it goes out.
import { chmodSync, closeSync, fsyncSync, linkSync, openSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";

function writeDurably(path: string, text: string): void {
  const fd = openSync(path, "wx", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `text` to `file` (mode 0600) unless it exists; false when another process made it first.
 * Written beside its name and linked into place (never over an existing file): on a full disk a direct
 * write left an empty key file, and every later start refused it.
 */
export function createSecretFileOnce(file: string, text: string): boolean {
  const partial = `${file}.partial-${process.pid}`;
  try {
    rmSync(partial, { force: true }); // left by a crashed start with the same PID
    writeDurably(partial, text);
    chmodSync(partial, 0o600);
    linkSync(partial, file);
    syncDirectory(dirname(file)); // the key must outlive a crash as surely as what was signed with it
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "EEXIST") return false;
    throw error;
  } finally {
    rmSync(partial, { force: true });
  }
}
