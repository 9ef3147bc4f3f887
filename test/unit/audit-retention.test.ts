// AUDIT_RETENTION_DAYS with a fake clock: entries older than the period are deleted at start and on
// each run, younger ones stay; the setting is validated.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestApp, type TestApp } from "../helpers/app";
import { ConfigError, loadConfig } from "../../src/config";
import { AuditRetention } from "../../src/modules/audit/retention";

const DAY = 24 * 3_600_000;
let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

async function actionsOnRecord(app: TestApp): Promise<string[]> {
  const { entries } = await app.ctx.audit.list(app.ctx.db, { limit: 500, offset: 0 });
  return entries.map((e) => `${e.target ?? e.action}:${e.created_at.slice(0, 10)}`);
}

test("entries older than AUDIT_RETENTION_DAYS go, at start and on later runs; younger ones stay", async () => {
  const app = await createTestApp({ env: { AUDIT_RETENTION_DAYS: "30" } });
  t = app;
  // Entries told apart by their target (a backup's name stands in for any action).
  const record = (label: string) => app.ctx.audit.record(app.ctx.db, { actor: null, action: "backup.delete", target: label, ip: null });
  const start = app.clock.now().getTime();
  await record("test.day0");
  app.clock.advance(20 * DAY);
  await record("test.day20");
  app.clock.advance(11 * DAY); // now day 31: day 0 is past 30 days, day 20 is 11 days old
  await record("test.day31");
  const before = (await actionsOnRecord(app)).length;

  const retention = new AuditRetention(app.ctx);
  try {
    const firstRun = await retention.start();
    const left = await actionsOnRecord(app);
    expect(left.some((a) => a.startsWith("test.day0:"))).toBe(false);
    expect(left.filter((a) => a.startsWith("test.day20:") || a.startsWith("test.day31:"))).toHaveLength(2);
    expect(firstRun).toBe(before - left.length);
    expect(firstRun).toBeGreaterThanOrEqual(1); // the setup's own entries from day 0 went too
    expect(app.log.lines.some((l) => l.includes('"event":"audit.pruned"'))).toBe(true);

    app.clock.set(new Date(start + 51 * DAY)); // day 20's entry is now 31 days old, day 31's 20
    expect(await retention.pruneNow()).toBe(1);
    expect((await actionsOnRecord(app)).map((a) => a.split(":")[0])).toEqual(["test.day31"]);
    expect(await retention.pruneNow()).toBe(0);
  } finally {
    await retention.stop();
  }
});

test("AUDIT_RETENTION_DAYS defaults to 365 and must be a whole number of days from 1", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "agnes-retention-"));
  expect(loadConfig({ DATA_DIR: dataDir }).auditRetentionDays).toBe(365);
  expect(loadConfig({ DATA_DIR: dataDir, AUDIT_RETENTION_DAYS: "90" }).auditRetentionDays).toBe(90);
  for (const bad of ["0", "-1", "1.5", "ninety", "36501"]) {
    expect(() => loadConfig({ DATA_DIR: dataDir, AUDIT_RETENTION_DAYS: bad })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir, AUDIT_RETENTION_DAYS: bad })).toThrow(/^AUDIT_RETENTION_DAYS: /);
  }
  rmSync(dataDir, { recursive: true, force: true });
});
