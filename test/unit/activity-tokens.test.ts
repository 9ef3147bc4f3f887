// last_used_at bookkeeping for tokens: requests only touch memory; one write per token per flush.
import { describe, expect, test } from "bun:test";
import { ActivityRecorder } from "../../src/auth/activity";
import type { Database, Queryable, SqlParam } from "../../src/db/database";

function countingDb() {
  const statements: { sql: string; params: SqlParam[] }[] = [];
  const tx: Queryable = {
    query: async () => [],
    run: async (sql, params = []) => {
      statements.push({ sql, params });
    },
  };
  const db = { transaction: <T>(fn: (q: Queryable) => Promise<T>) => fn(tx) } as unknown as Database;
  return { db, statements };
}

describe("ActivityRecorder and tokens", () => {
  test("a thousand uses of one token are one UPDATE at flush, with the latest time and IP", async () => {
    const { db, statements } = countingDb();
    const recorder = new ActivityRecorder(db);
    const start = Date.parse("2030-01-01T00:00:00Z");
    for (let i = 0; i < 1000; i++) recorder.tokenUsed("tok-1", { at: new Date(start + i * 1000), ip: `10.0.0.${i % 7}` });
    expect(statements).toEqual([]);
    expect(recorder.pendingToken("tok-1")?.at.getTime()).toBe(start + 999_000);

    await recorder.flush();
    expect(statements).toHaveLength(1);
    expect(statements[0]!.sql).toContain("personal_access_tokens");
    expect(statements[0]!.params).toEqual(["tok-1", new Date(start + 999_000), "10.0.0.5"]);
    expect(recorder.pendingToken("tok-1")).toBeUndefined();

    await recorder.flush();
    expect(statements).toHaveLength(1);
  });

  test("stop() flushes what is pending", async () => {
    const { db, statements } = countingDb();
    const recorder = new ActivityRecorder(db);
    recorder.start(60_000);
    recorder.tokenUsed("a", { at: new Date(), ip: null });
    recorder.tokenUsed("b", { at: new Date(), ip: null });
    await recorder.stop();
    expect(statements.map((s) => s.params[0]).sort()).toEqual(["a", "b"]);
  });
});
