// Re-check of F5: startsWithAge only looks for "\n---" within the first 64 KiB. A header whose MAC
// line starts there ("--- ") but then runs on for 128 MiB without a newline passes the check, and
// the age library's LineReader buffers the whole line (plus its transcript) before decoding it.
// Expected: refused in bounded memory (< 64 MB growth). Actual: memory grows by a multiple of the size.
import { afterAll, expect, test } from "bun:test";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateIdentity } from "age-encryption";

const dir = mkdtempSync(join(tmpdir(), "agnes-age-mac-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readInChild(path: string, identity: string): Promise<{ outcome: string; growthMb: number }> {
  const child = Bun.spawn(["bun", resolve(import.meta.dir, "read-encrypted-child.ts"), path, identity], { stdout: "pipe", stderr: "pipe", timeout: 60_000 });
  const [out] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  return JSON.parse(out) as { outcome: string; growthMb: number };
}

test("an age header whose MAC line is 128 MiB long is refused in bounded memory", async () => {
  const path = join(dir, "long-mac.tar.gz.age");
  const fd = openSync(path, "w");
  writeSync(fd, "age-encryption.org/v1\n-> X25519 AAAA\nAAAA\n--- ");
  const chunk = Buffer.alloc(8 * 1024 * 1024, 0x41);
  for (let i = 0; i < 16; i++) writeSync(fd, chunk);
  closeSync(fd);
  const { outcome, growthMb } = await readInChild(path, await generateIdentity());
  console.log({ outcome: outcome.slice(0, 160), growthMb });
  expect(growthMb).toBeLessThan(64);
});
