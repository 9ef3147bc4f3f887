// /api/admin/backups and /admin/backups: admin only, a verifiable archive, names that cannot
// traverse, retention, the schedule (fake clock), and the no-JavaScript page.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestApp, type TestApp } from "../helpers/app";
import { readBackupArchive } from "../../src/ops/backup-reader";
import type { BackupInfo } from "../../src/shared/contract";
import { MIGRATIONS } from "../../src/db/migrations";

let t: TestApp;
afterEach(async () => t?.close());

async function create(token: string): Promise<BackupInfo> {
  const res = await t.api("POST", "/api/admin/backups", { token });
  expect(res.status).toBe(201);
  return (await res.json()) as BackupInfo;
}

describe("backups API", () => {
  test("create, list, download a verifiable archive, delete", async () => {
    t = await createTestApp();
    const token = await t.login();
    await t.createUser("ana@example.com", "password-ana-1");
    const made = await create(token);
    expect(made.name).toMatch(/^agnes-backup-\d{8}T\d{9}Z\.tar\.gz$/);
    const list = (await (await t.api("GET", "/api/admin/backups", { token })).json()) as BackupInfo[];
    expect(list.map((b) => b.name)).toEqual([made.name]);
    expect(list[0]!.size).toBeGreaterThan(1000);

    const dl = await t.api("GET", `/api/admin/backups/${made.name}`, { token });
    expect(dl.status).toBe(200);
    expect(dl.headers.get("content-disposition")).toContain(made.name);
    const file = join(t.dataDir, "downloaded.tar.gz");
    writeFileSync(file, new Uint8Array(await dl.arrayBuffer()));
    const { manifest } = await readBackupArchive(file);
    expect(manifest).toMatchObject({ format: "agnes-backup", format_version: 2, agnes_version: t.ctx.version, schema_version: MIGRATIONS.at(-1)!.version });
    expect(Object.keys(manifest.files)).toEqual(["state/system.duckdb"]);

    expect((await t.api("DELETE", `/api/admin/backups/${made.name}`, { token })).status).toBe(204);
    expect((await t.api("GET", `/api/admin/backups/${made.name}`, { token })).status).toBe(404);
    const audit = (await (await t.api("GET", "/api/audit?action=backup.", { token })).json()) as { action: string }[];
    expect(audit.map((a) => a.action)).toEqual(["backup.delete", "backup.downloaded", "backup.create"]);
  });

  test("admins only: anonymous 401, analyst 403", async () => {
    t = await createTestApp();
    await t.createUser("ana@example.com", "password-ana-1");
    const analyst = await t.login("ana@example.com", "password-ana-1");
    expect((await t.api("GET", "/api/admin/backups")).status).toBe(401);
    expect((await t.api("POST", "/api/admin/backups")).status).toBe(401);
    expect((await t.api("POST", "/api/admin/backups", { token: analyst })).status).toBe(403);
    expect((await t.api("GET", "/api/admin/backups/x", { token: analyst })).status).toBe(403);
  });

  test("names outside the backup pattern are not found, whatever they point at", async () => {
    t = await createTestApp();
    const token = await t.login();
    await create(token);
    for (const name of ["..%2Fstate%2Fjwt-secret", "%2E%2E%2Fstate%2Fsystem.duckdb", ".partial-x", "agnes-backup-1.tar.gz", "..", "%2Fetc%2Fpasswd"]) {
      const res = await t.api("GET", `/api/admin/backups/${name}`, { token });
      expect(res.status).toBe(404);
      expect((await t.api("DELETE", `/api/admin/backups/${name}`, { token })).status).toBe(404);
    }
    expect(existsSync(join(t.dataDir, "state", "jwt-secret"))).toBe(true);
  });

  test("BACKUP_KEEP keeps the newest; BACKUP_DIR is honoured; the schedule backs up when due", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "agnes-backups-"));
    t = await createTestApp({ dataDir, env: { BACKUP_KEEP: "2", BACKUP_EVERY_HOURS: "6", BACKUP_DIR: join(dataDir, "elsewhere") } });
    const token = await t.login();
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      names.push((await create(token)).name);
      t.clock.advance(1_000);
    }
    const dir = t.ctx.config.backupDir;
    expect(dir).toBe(join(dataDir, "elsewhere"));
    expect(readdirSync(dir).sort()).toEqual(names.slice(1).sort());
    expect(await t.ctx.backups.runIfDue()).toBeNull();
    t.clock.advance(6 * 3_600_000);
    const scheduled = await t.ctx.backups.runIfDue();
    expect(scheduled?.name).toBeDefined();
    expect(t.ctx.backups.last?.ok).toBe(true);
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("a fresh server's first scheduled backup comes one interval after start", async () => {
    t = await createTestApp({ env: { BACKUP_EVERY_HOURS: "2" } });
    expect(await t.ctx.backups.runIfDue()).toBeNull();
    t.clock.advance(2 * 3_600_000);
    expect(await t.ctx.backups.runIfDue()).not.toBeNull();
  });

  test("BACKUP_EVERY_HOURS=0 turns the schedule off", async () => {
    t = await createTestApp({ env: { BACKUP_EVERY_HOURS: "0" } });
    t.clock.advance(365 * 24 * 3_600_000);
    expect(await t.ctx.backups.runIfDue()).toBeNull();
  });
});

describe("backups page", () => {
  test("back up, download and delete without JavaScript", async () => {
    t = await createTestApp();
    const b = await t.browser();
    const made = await b.post("/admin/backups", {});
    expect(made.status).toBe(303);
    const [backup] = t.ctx.backups.list();
    const page = await (await b.get("/admin/backups", made.headers.get("set-cookie")?.split(";")[0])).text();
    expect(page).toContain(`Backup ${backup!.name} created.`);
    expect(page).toContain(`/admin/backups/${backup!.name}/download`);
    expect((await b.get(`/admin/backups/${backup!.name}/download`)).status).toBe(200);
    const confirm = await b.get(`/admin/backups/${backup!.name}/delete`);
    expect(await confirm.text()).toContain("Delete backup");
    expect((await b.post(`/admin/backups/${backup!.name}/delete`, {})).status).toBe(200);
    expect(t.ctx.backups.list()).toHaveLength(1);
    expect((await b.post(`/admin/backups/${backup!.name}/delete`, { confirm: "yes" })).status).toBe(303);
    expect(t.ctx.backups.list()).toHaveLength(0);
  });
});
