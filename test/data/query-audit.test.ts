// `data.query` entries are written just after the answer (src/modules/data/query-audit.ts): a
// query does not wait for its INSERT, entries still all arrive in order, and when they cannot be
// written new queries are refused (503) until a write succeeds.
import { afterEach, expect, test } from "bun:test";
import type { AuditEvent } from "../../src/modules/audit/service";
import { QueryAuditWriter } from "../../src/modules/data/query-audit";
import { createMemoryLogger } from "../../src/log";
import { ServiceUnavailable } from "../../src/shared/errors";
import { createTestApp, type TestApp } from "../helpers/app";
import { patFor, query } from "./helpers";

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const event = (sql: string): AuditEvent => ({
  actor: null,
  action: "data.query",
  params: { via: "pat", token_id: null, sql, rows: 0, bytes: 0, ms: 0, result: "ok" },
  ip: null,
});

test("a query is answered while the database is busy with something else; its entry is written after", async () => {
  t = await createTestApp();
  const pat = await patFor(t, await t.login());
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  // Another write holds the system database's one queue (a slow disk, a long transaction).
  const blocker = t.ctx.db.transaction(() => held);
  const answered = query(t, pat, "SELECT 42 AS n").then(async (res) => ({ status: res.status, body: await res.json() }));
  const outcome = await Promise.race([answered, Bun.sleep(10_000).then(() => "still waiting for the database" as const)]);
  release();
  await blocker;
  expect(outcome).toMatchObject({ status: 200, body: { rows: [[42]] } });
  await t.ctx.data.audits.flush();
  const entries = await t.ctx.db.query<{ params: string }>("SELECT params FROM audit_log WHERE action = 'data.query'");
  expect(entries.map((e) => JSON.parse(e.params).sql)).toEqual(["SELECT 42 AS n"]);
});

test("entries recorded during a write go in the next one, in order; none is lost", async () => {
  const written: string[][] = [];
  let calls = 0;
  const writer = new QueryAuditWriter(async (events) => {
    calls++;
    await Bun.sleep(5);
    written.push(events.map((e) => (e.params as { sql: string }).sql));
  }, createMemoryLogger());
  for (let i = 0; i < 50; i++) writer.record(event(`q${i}`));
  await writer.flush();
  expect(written.flat()).toEqual(Array.from({ length: 50 }, (_, i) => `q${i}`));
  expect(calls).toBe(2); // the first at once, the 49 that arrived meanwhile together
});

test("while entries cannot be written, queries are refused with 503; once a write succeeds they run again", async () => {
  let broken = true;
  const stored: string[] = [];
  const log = createMemoryLogger();
  const writer = new QueryAuditWriter(async (events) => {
    if (broken) throw new Error("No space left on device");
    stored.push(...events.map((e) => (e.params as { sql: string }).sql));
  }, log);
  writer.check();
  writer.record(event("first"));
  await writer.flush();
  expect(() => writer.check()).toThrow(ServiceUnavailable);
  writer.record(event("second"));
  broken = false;
  for (let i = 0; i < 40 && stored.length < 2; i++) await Bun.sleep(50); // retried every second
  expect(stored).toEqual(["first", "second"]);
  expect(() => writer.check()).not.toThrow();
  writer.close();
});
