// "Last seen" for sessions costs no database write per request: authenticated requests (session bearer
// or cookie) only touch memory, and the once-a-minute flush writes the latest time and IP in one go.
import { afterEach, beforeEach, expect, test } from "bun:test";
import type { Queryable } from "../../src/db/database";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: "1" } });
});
afterEach(() => t.close());

type SessionSnapshot = { id: string; last_seen_at: Date | null; ip: string | null; ended_at: Date | null };

async function sessionRows(): Promise<SessionSnapshot[]> {
  return t.ctx.db.query<SessionSnapshot>("SELECT id, last_seen_at, ip, ended_at FROM sessions ORDER BY id");
}

/** Counts every statement sent to the database, including those run inside a transaction. */
function countStatements(): { statements: string[]; restore: () => void } {
  const db = t.ctx.db;
  const original = { query: db.query, run: db.run, transaction: db.transaction };
  const [query, run, transaction] = [db.query.bind(db), db.run.bind(db), db.transaction.bind(db)];
  const statements: string[] = [];
  const counted = <Q extends Queryable>(q: Q): Q => ({
    ...q,
    query: (sql, params) => (statements.push(sql), q.query(sql, params)),
    run: (sql, params) => (statements.push(sql), q.run(sql, params)),
  });
  db.query = (sql, params) => (statements.push(sql), query(sql, params));
  db.run = (sql, params) => (statements.push(sql), run(sql, params));
  db.transaction = (fn) => transaction((tx) => fn(counted(tx)));
  return { statements, restore: () => Object.assign(db, original) };
}

const minute = (d: Date | null) => (d ? Math.floor(d.getTime() / 60_000) : null);

test("50 authenticated requests write nothing; the flush then records the latest time and IP", async () => {
  const token = await t.login();
  const [before] = await sessionRows();
  expect(before).toBeDefined();
  expect(before!.ended_at).toBeNull();

  const spy = countStatements();
  try {
    for (let i = 0; i < 50; i++) {
      t.clock.advance(7_000);
      const viaCookie = i % 5 === 4;
      const res = await t.handle("/auth/me", {
        headers: {
          accept: "application/json",
          ...(viaCookie ? { cookie: `access_token=${token}` } : { authorization: `Bearer ${token}` }),
          "x-forwarded-for": i === 49 ? "203.0.113.7" : "198.51.100.1",
        },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { auth: string }).auth).toBe("session");
    }
    expect(spy.statements).toEqual([]);
  } finally {
    spy.restore();
  }
  // 350 s of activity went by, and the row has not moved.
  expect(await sessionRows()).toEqual([before!]);
  expect(t.ctx.activity.pendingSession(before!.id)?.ip).toBe("203.0.113.7");

  const flushSpy = countStatements();
  try {
    await t.ctx.activity.flush();
    expect(flushSpy.statements).toHaveLength(1);
    expect(flushSpy.statements[0]).toContain("UPDATE sessions");
    await t.ctx.activity.flush();
    expect(flushSpy.statements).toHaveLength(1);
  } finally {
    flushSpy.restore();
  }
  const [after] = await sessionRows();
  expect(minute(after!.last_seen_at)).toBe(minute(t.clock.now()));
  expect(minute(after!.last_seen_at)).not.toBe(minute(before!.last_seen_at));
  expect(after!.ip).toBe("203.0.113.7");
  expect(after!.ended_at).toBeNull();
  expect(t.ctx.activity.pendingSession(before!.id)).toBeUndefined();
});
