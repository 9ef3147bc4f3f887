// Attacker pass on issue 20 (class 3): restore streams a plain archive in flat memory, but an archive
// that starts with age's magic line goes to the age library's header parser first, which reads a
// header line (and any number of recipient stanzas) into memory with no bound before it looks for
// the MAC line. A 128 MiB file that is one endless stanza line grows restore's memory by about
// 2.3 × its size (a 384 MiB one took 930 MB), so a large enough file exhausts the host's memory.
// Only when BACKUP_ENCRYPTION_KEY is set for the restore, i.e. whenever backups are encrypted.
import { afterAll, expect, test } from "bun:test";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateIdentity } from "age-encryption";

const dir = mkdtempSync(join(tmpdir(), "agnes-age-header-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readInChild(path: string, identity: string): Promise<{ outcome: string; growthMb: number }> {
  const child = Bun.spawn(["bun", resolve(import.meta.dir, "read-encrypted-child.ts"), path, identity], { stdout: "pipe", stderr: "pipe", timeout: 60_000 });
  const [out] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  return JSON.parse(out) as { outcome: string; growthMb: number };
}

test("an age header that is one 128 MiB line is refused in bounded memory", async () => {
  const path = join(dir, "long-line.tar.gz.age");
  const fd = openSync(path, "w");
  writeSync(fd, "age-encryption.org/v1\n-> X25519 ");
  const chunk = Buffer.alloc(8 * 1024 * 1024, 0x41);
  for (let i = 0; i < 16; i++) writeSync(fd, chunk);
  closeSync(fd);
  const { outcome, growthMb } = await readInChild(path, await generateIdentity());
  expect(outcome).toStartWith("its age header does not end within 64 KiB");
  expect(growthMb).toBeLessThan(64);
});
