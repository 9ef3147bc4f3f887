// `da admin backup create|list|download` against the real server.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { BackupInfo } from "../../src/shared/contract";
import type { RunningServer } from "../helpers/server";
import { daBinary, hasStackTrace, runDa, sandbox, type Sandbox } from "../helpers/cli";
import { readBackupArchive } from "../../src/ops/backup-reader";
import { ADMIN, createPat, createUser, daLogin, sessionToken, startAgnes } from "./fixtures";

let server: RunningServer;
let admin: Sandbox;
beforeAll(async () => {
  [server] = await Promise.all([startAgnes(), daBinary()]);
  admin = sandbox();
  await daLogin(admin, server);
});
afterAll(async () => {
  admin?.cleanup();
  await server?.stop();
});

test("create, list and download a backup; the file verifies; an existing file is not overwritten", async () => {
  const created = await runDa(["admin", "backup", "create", "--json"], { env: admin.env });
  expect(created.code).toBe(0);
  const backup = JSON.parse(created.stdout) as BackupInfo;
  const listed = await runDa(["admin", "backup", "list"], { env: admin.env });
  expect(listed.stdout).toContain(backup.name);
  const out = join(admin.home, "copy.tar.gz");
  const got = await runDa(["admin", "backup", "download", backup.name, "--output", out], { env: admin.env });
  expect(got.code).toBe(0);
  expect(statSync(out).size).toBe(backup.size);
  expect((await readBackupArchive(out)).manifest.format).toBe("agnes-backup");
  const again = await runDa(["admin", "backup", "download", backup.name, "--output", out], { env: admin.env });
  expect(again.code).toBe(1);
  expect(again.stderr).toContain("already exists");
});

test("an unknown name and a non-admin fail cleanly", async () => {
  const missing = await runDa(["admin", "backup", "download", "../state/jwt-secret"], { env: admin.env });
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain("No backup with that name");
  expect(existsSync(join(admin.home, "jwt-secret"))).toBe(false);
  const user = await createUser(server, "analyst", "backup");
  const box = sandbox();
  await daLogin(box, server, user.email, user.password);
  const refused = await runDa(["admin", "backup", "create"], { env: box.env });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("admin");
  expect(hasStackTrace(refused.stderr)).toBe(false);
});

test("with a personal access token, create and download are refused with the server's reason; list still works", async () => {
  const session = await sessionToken(server, ADMIN.email, ADMIN.password);
  const pat = (await createPat(server, session, "backup-pat")).token;
  const env = { ...sandbox().env, DA_SERVER: server.url, DA_TOKEN: pat };
  const created = await runDa(["admin", "backup", "create"], { env });
  expect(created.code).toBe(1);
  expect(created.stderr).toContain("a personal access token cannot create or download backups");
  expect(hasStackTrace(created.stderr)).toBe(false);
  const made = await fetch(`${server.url}/api/admin/backups`, { method: "POST", headers: { authorization: `Bearer ${session}` } });
  const { name } = (await made.json()) as BackupInfo;
  const listed = await runDa(["admin", "backup", "list", "--json"], { env });
  expect(listed.code).toBe(0);
  expect((JSON.parse(listed.stdout) as BackupInfo[]).map((b) => b.name)).toContain(name);
  const out = join(sandbox().home, "pat-copy.tar.gz");
  const got = await runDa(["admin", "backup", "download", name, "--output", out], { env });
  expect(got.code).toBe(1);
  expect(got.stderr).toContain("a personal access token cannot create or download backups");
  expect(existsSync(out)).toBe(false);
  expect(existsSync(`${out}.partial`)).toBe(false);
});
