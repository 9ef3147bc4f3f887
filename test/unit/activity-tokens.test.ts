// last_used_at bookkeeping for tokens: requests only touch memory; one write per token per flush.
import { describe, expect, test } from "bun:test";
import { ActivityRecorder } from "../../src/auth/activity";
import type { Database, Queryable, SqlParam } from "../../src/db/database";
import { writeSessionLastSeen } from "../../src/modules/accounts/sessions";
import { writeTokenLastUsed } from "../../src/modules/tokens/service";
import { writeGrantLastUsed } from "../../src/modules/oauth/grants";

const WRITERS = { sessionSeen: writeSessionLastSeen, tokenUsed: writeTokenLastUsed, grantUsed: writeGrantLastUsed };

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
    const recorder = new ActivityRecorder(db, WRITERS);
    const start = Date.parse("2030-01-01T00:00:00Z");
    for (let i = 0; i < 1000; i++) recorder.tokenUsed("tok-1", new Date(start + i * 1000), () => `10.0.0.${i % 7}`);
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

  test("uses within a second of the last address look-up keep that address and skip the look-up", () => {
    const recorder = new ActivityRecorder(countingDb().db, WRITERS);
    const start = Date.parse("2030-01-01T00:00:00Z");
    let lookUps = 0;
    const addressOf = (ip: string) => () => (lookUps++, ip);
    recorder.tokenUsed("tok-1", new Date(start), addressOf("10.0.0.1"));
    for (let ms = 1; ms < 1000; ms += 7) recorder.tokenUsed("tok-1", new Date(start + ms), addressOf("10.0.0.2"));
    expect(lookUps).toBe(1);
    expect(recorder.pendingToken("tok-1")).toMatchObject({ at: new Date(start + 995), ip: "10.0.0.1" });
    // In steady use (every 400 ms) the address is still looked up again once a second.
    for (let ms = 1200; ms <= 4000; ms += 400) recorder.tokenUsed("tok-1", new Date(start + ms), addressOf(`10.0.1.${ms}`));
    expect(lookUps).toBe(4);
    expect(recorder.pendingToken("tok-1")).toMatchObject({ at: new Date(start + 4000), ip: "10.0.1.3600" });
  });

  test("stop() flushes what is pending", async () => {
    const { db, statements } = countingDb();
    const recorder = new ActivityRecorder(db, WRITERS);
    recorder.start(60_000);
    recorder.tokenUsed("a", new Date(), () => null);
    recorder.tokenUsed("b", new Date(), () => null);
    await recorder.stop();
    expect(statements.map((s) => s.params[0]).sort()).toEqual(["a", "b"]);
  });
});
