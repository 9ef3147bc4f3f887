// BACKUP_ENCRYPTION_KEY: backups are age-encrypted as they are written; restore needs the identity,
// refuses a wrong one and a changed byte, and a bad key stops the server at start.
import { afterAll, afterEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateIdentity, identityToRecipient } from "age-encryption";
import { ConfigError, loadConfig } from "../../src/config";
import { AGE_MAGIC } from "../../src/ops/backup-crypto";
import { readBackupArchive } from "../../src/ops/backup-reader";
import type { BackupInfo } from "../../src/shared/contract";
import { createTestApp, type TestApp } from "../helpers/app";
import { runServerCommand } from "../helpers/ops";

let t: TestApp;
afterEach(async () => t?.close());
const dir = mkdtempSync(join(tmpdir(), "agnes-backup-age-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("with a recipient, backups are encrypted to it; only its identity reads them; a changed byte is refused", async () => {
  const identity = await generateIdentity();
  t = await createTestApp({ env: { BACKUP_ENCRYPTION_KEY: await identityToRecipient(identity) } });
  const token = await t.login();
  const made = (await (await t.api("POST", "/api/admin/backups", { token })).json()) as BackupInfo;
  expect(made.name).toMatch(/^agnes-backup-\d{8}T\d{9}Z\.tar\.gz\.age$/);
  const dl = await t.api("GET", `/api/admin/backups/${made.name}`, { token });
  expect(dl.status).toBe(200);
  expect(dl.headers.get("content-type")).toBe("application/octet-stream");
  const file = join(dir, made.name);
  const bytes = Buffer.from(await dl.arrayBuffer());
  writeFileSync(file, bytes);
  expect(bytes.subarray(0, AGE_MAGIC.length).toString()).toBe(AGE_MAGIC);

  await expect(readBackupArchive(file)).rejects.toThrow("it is encrypted: set BACKUP_ENCRYPTION_KEY to the age identity");
  await expect(readBackupArchive(file, undefined, await generateIdentity())).rejects.toThrow("it cannot be decrypted with BACKUP_ENCRYPTION_KEY");
  expect((await readBackupArchive(file, undefined, identity)).manifest.format_version).toBe(2);

  const changed = Buffer.from(bytes);
  changed[Math.floor(changed.length / 2)]! ^= 0x01;
  writeFileSync(join(dir, "changed.tar.gz.age"), changed);
  await expect(readBackupArchive(join(dir, "changed.tar.gz.age"), undefined, identity)).rejects.toThrow("it cannot be decrypted: it is damaged or was changed");
});

test("restore decrypts with the identity in BACKUP_ENCRYPTION_KEY, and says what it needs without it", async () => {
  const identity = await generateIdentity();
  t = await createTestApp({ env: { BACKUP_ENCRYPTION_KEY: identity } });
  const made = await t.ctx.backups.create({ actor: null, ip: null, reason: "request" });
  const file = join(t.ctx.config.backupDir, made.name);
  const without = await runServerCommand(["restore", file], { DATA_DIR: join(dir, "without") });
  expect(without.code).toBe(1);
  expect(without.stderr.trim()).toBe(
    `agnes: cannot restore ${file}: it is encrypted: set BACKUP_ENCRYPTION_KEY to the age identity (AGE-SECRET-KEY-1…) whose recipient the server encrypted to`,
  );
  const restored = await runServerCommand(["restore", file], { DATA_DIR: join(dir, "with"), BACKUP_ENCRYPTION_KEY: identity });
  expect(restored.stderr).toBe("");
  expect(restored.code).toBe(0);
  expect(readFileSync(join(dir, "with", "state", "system.duckdb")).byteLength).toBeGreaterThan(0);
});

test("a BACKUP_ENCRYPTION_KEY that is not an age key stops the server at start, naming the variable", async () => {
  const recipient = await identityToRecipient(await generateIdentity());
  for (const bad of ["secret", recipient.slice(0, -1) + (recipient.endsWith("q") ? "p" : "q"), "age1"]) {
    expect(() => loadConfig({ DATA_DIR: dir, BACKUP_ENCRYPTION_KEY: bad })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dir, BACKUP_ENCRYPTION_KEY: bad })).toThrow("BACKUP_ENCRYPTION_KEY");
  }
  expect(loadConfig({ DATA_DIR: dir, BACKUP_ENCRYPTION_KEY: recipient }).backupEncryptionKey).toBe(recipient);
});
