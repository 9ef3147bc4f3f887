// Real small file systems for the full-disk and read-only-disk tests: a size-limited tmpfs that a
// filler file fills to the last page, and an ext4 loop device the kernel turns read-only (as it does
// on a disk error with errors=remount-ro) while the server holds its files open. Needs root (mount);
// without it the tests fail and say so: CI runs them as root.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

function sh(cmd: string[], what: string): string {
  const res = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  if (res.exitCode !== 0) throw new Error(`${what} failed (${cmd.join(" ")}): ${res.stderr.toString().trim()}`);
  return res.stdout.toString().trim();
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error("the disk tests mount a tmpfs and a loop device: run them as root (CI does), e.g. `sudo bun test test/ops/disk-full.test.ts`");
  }
}

export type SmallDisk = {
  dir: string;
  /** Writes a filler file until the file system answers ENOSPC. */
  fill(): void;
  /** Deletes the filler: the space is back. */
  free(): void;
  unmount(): void;
};

/** A tmpfs of `sizeMb` mounted on a fresh temp directory. */
export function mountTmpfs(sizeMb: number): SmallDisk {
  requireRoot();
  const dir = mkdtempSync(join(tmpdir(), "agnes-disk-"));
  try {
    sh(["mount", "-t", "tmpfs", "-o", `size=${sizeMb}m,mode=0755`, "tmpfs", dir], "mounting a tmpfs");
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const filler = join(dir, "filler");
  return {
    dir,
    fill() {
      // dd stops at ENOSPC after writing what fitted; a second pass in pages takes the last scraps.
      for (const bs of ["1M", "4k"])
        Bun.spawnSync(["dd", "if=/dev/zero", `of=${filler}`, `bs=${bs}`, "oflag=append", "conv=notrunc"], { stdout: "ignore", stderr: "ignore" });
      const avail = Number(sh(["df", "--output=avail", "-k", dir], "df").split("\n").pop());
      if (avail !== 0) throw new Error(`the tmpfs at ${dir} still has ${avail} KiB free after filling`);
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount: () => unmountQuietly(dir),
  };
}

export type FailingDisk = {
  dir: string;
  /** What the kernel does on a disk error with errors=remount-ro: the file system turns read-only under open files. */
  turnReadOnly(): void;
  /** The operator's repair: unmount, fsck, mount again (read-write). */
  repair(): void;
  unmount(): void;
};

/** An ext4 file system of `sizeMb` on a loop device, mounted with errors=remount-ro. */
export function mountExt4(sizeMb: number): FailingDisk {
  requireRoot();
  const base = mkdtempSync(join(tmpdir(), "agnes-ext4-"));
  const image = join(base, "disk.img");
  const dir = join(base, "mnt");
  sh(["truncate", "-s", `${sizeMb}M`, image], "creating the disk image");
  sh(["mkfs.ext4", "-q", "-F", image], "mkfs.ext4");
  sh(["mkdir", dir], "mkdir");
  let device: string;
  try {
    device = sh(["losetup", "-f", "--show", image], "attaching a loop device");
  } catch (error) {
    rmSync(base, { recursive: true, force: true });
    throw error;
  }
  const mount = () => sh(["mount", "-o", "errors=remount-ro", device, dir], "mounting the ext4 loop device");
  try {
    mount();
  } catch (error) {
    Bun.spawnSync(["losetup", "-d", device]);
    rmSync(base, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    turnReadOnly() {
      // ext4's own switch for "an error happened here" (/sys/fs/ext4/<dev>/trigger_fs_error).
      writeFileSync(`/sys/fs/ext4/${basename(device)}/trigger_fs_error`, "agnes disk test\n");
      const deadline = Date.now() + 5_000;
      while (!isReadOnly(dir)) {
        if (Date.now() > deadline) throw new Error(`${dir} did not turn read-only after trigger_fs_error`);
        Bun.sleepSync(20);
      }
    },
    repair() {
      sh(["umount", dir], "unmounting");
      Bun.spawnSync(["e2fsck", "-fy", device], { stdout: "ignore", stderr: "ignore" }); // exit 1 = "errors corrected"
      mount();
    },
    unmount() {
      unmountQuietly(dir);
      Bun.spawnSync(["losetup", "-d", device]);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

function isReadOnly(dir: string): boolean {
  // The kernel shows a forced switch as "emergency_ro" (Linux 6.x), an ordinary one as "ro".
  const options = sh(["findmnt", "-n", "-o", "OPTIONS", dir], "findmnt").split(",");
  return options.includes("ro") || options.includes("emergency_ro");
}

function unmountQuietly(dir: string): void {
  if (Bun.spawnSync(["umount", dir]).exitCode !== 0) Bun.spawnSync(["umount", "-l", dir]);
  rmSync(dir, { recursive: true, force: true });
}
