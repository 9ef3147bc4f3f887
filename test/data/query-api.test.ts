// POST /api/query through app.handle: the answer's shape, limits, refusals, audit and metrics.
import { afterEach, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { patFor, query, storeCsv } from "./helpers";

let t: TestApp;
afterEach(async () => {
  await t.close();
});

async function setup(env: Record<string, string> = {}) {
  t = await createTestApp({ env });
  const session = await t.login();
  return { session, pat: await patFor(t, session) };
}

describe("POST /api/query", () => {
  test("SELECT 1 with a PAT and with a session answers the original client's shape", async () => {
    const { session, pat } = await setup();
    for (const token of [pat, session]) {
      const res = await query(t, token, "SELECT 1");
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ columns: ["1"], rows: [[1]], truncated: false, column_types: ["INTEGER"], row_count: 1 });
      expect(typeof body.elapsed_ms).toBe("number");
    }
  });

  test("reads an uploaded dataset by its name; wide integers come back as numbers", async () => {
    const { pat } = await setup();
    await storeCsv(t, "sales", "region,amount\nnorth,10\nsouth,20\nnorth,5\n");
    const res = await query(t, pat, "SELECT region, sum(amount) AS total, count(*) AS n FROM sales GROUP BY region ORDER BY region");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      columns: ["region", "total", "n"],
      rows: [
        ["north", 15, 2],
        ["south", 20, 1],
      ],
      truncated: false,
    });
  });

  test("limit truncates, and QUERY_MAX_ROWS caps any limit", async () => {
    const { pat } = await setup({ QUERY_MAX_ROWS: "50" });
    const limited = (await (await query(t, pat, "SELECT * FROM range(100)", 7)).json()) as { rows: unknown[]; truncated: boolean };
    expect(limited.rows).toHaveLength(7);
    expect(limited.truncated).toBe(true);
    const capped = (await (await query(t, pat, "SELECT * FROM range(100)", 1000)).json()) as { rows: unknown[]; truncated: boolean };
    expect(capped.rows).toHaveLength(50);
    expect(capped.truncated).toBe(true);
    const exact = (await (await query(t, pat, "SELECT * FROM range(50)", 50)).json()) as { rows: unknown[]; truncated: boolean };
    expect(exact).toMatchObject({ truncated: false });
    expect(exact.rows).toHaveLength(50);
  });

  test("refusals: not a SELECT 403, several statements 400, a SQL error 400 with DuckDB's message", async () => {
    const { pat } = await setup();
    const cases: [string, number, RegExp][] = [
      ["CREATE TABLE x AS SELECT 1", 403, /Only SELECT/],
      ["ATTACH ':memory:' AS m", 403, /Only SELECT/],
      ["SELECT 1; SELECT 2", 400, /exactly one/],
      ["SELEC 1", 400, /Parser Error: syntax error/],
      ["SELECT * FROM nowhere", 400, /Catalog Error: Table with name nowhere does not exist/],
      ["", 400, /sql is empty/],
    ];
    for (const [sql, status, detail] of cases) {
      const res = await query(t, pat, sql);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { detail: string }).detail).toMatch(detail);
    }
  });

  test("a file read is refused with 403 and the message names no path", async () => {
    const { pat } = await setup();
    const res = await query(t, pat, `SELECT * FROM read_text('${t.dataDir}/state/jwt-secret')`);
    expect(res.status).toBe(403);
    const { detail } = (await res.json()) as { detail: string };
    expect(detail).toMatch(/Permission Error/);
    expect(detail).not.toContain(t.dataDir);
    expect(detail).not.toContain("jwt-secret");
  });

  test("a query past QUERY_TIMEOUT_S is interrupted: 408, and the next query runs", async () => {
    const { pat } = await setup({ QUERY_TIMEOUT_S: "1" });
    const res = await query(t, pat, "SELECT count(*) FROM range(100000000000) t(a) WHERE a % 7 = 3");
    expect(res.status).toBe(408);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/QUERY_TIMEOUT_S/);
    expect((await query(t, pat, "SELECT 2")).status).toBe(200);
  });

  test("giant values are measured before they become JavaScript: 413, top-level and nested", async () => {
    const { pat } = await setup();
    for (const sql of [
      "SELECT repeat('x', 100000000) AS s",
      "SELECT [repeat('x', 40000000), repeat('y', 40000000)] AS l",
      "SELECT {'a': repeat('x', 70000000)} AS st",
      "SELECT repeat('x', 1000000)::BLOB AS b FROM range(70)",
    ]) {
      const res = await query(t, pat, sql);
      expect([sql, res.status]).toEqual([sql, 413]);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/larger than a JSON answer/);
    }
    expect((await query(t, pat, "SELECT repeat('x', 1000) AS s FROM range(100)")).status).toBe(200);
  });

  test("SQL with a NUL character is refused: DuckDB would run only what comes before it", async () => {
    const { pat } = await setup();
    const res = await query(t, pat, "SELECT 1;\u0000ATTACH ':memory:' AS m");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/NUL/);
  });

  test("a query past QUERY_MEMORY_MB ends with 413", async () => {
    const { pat } = await setup({ QUERY_MEMORY_MB: "64" });
    const res = await query(t, pat, "SELECT list(range) FROM range(50000000)");
    expect(res.status).toBe(413);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/QUERY_MEMORY_MB/);
  });

  test("anonymous 401; every query is audited with via, token id and result", async () => {
    const { pat } = await setup();
    expect((await query(t, undefined, "SELECT 1")).status).toBe(401);
    await query(t, pat, "SELECT 42 AS answer");
    await query(t, pat, "DROP TABLE x");
    await t.ctx.data.audits.flush(); // written just after each answer
    await t.ctx.data.audits.flush(); // written just after each answer
    const entries = await t.ctx.db.query<{ params: string }>("SELECT params FROM audit_log WHERE action = 'data.query' ORDER BY created_at, id");
    const params = entries.map((e) => JSON.parse(e.params) as Record<string, unknown>);
    expect(params).toHaveLength(2);
    expect(params[0]).toMatchObject({ via: "pat", sql: "SELECT 42 AS answer", rows: 1, result: "ok" });
    expect(typeof params[0]!.token_id).toBe("string");
    expect(params[1]).toMatchObject({ sql: "DROP TABLE x", rows: 0, result: "refused" });
    const metrics = await t.ctx.metrics.text();
    expect(metrics).toContain('agnes_queries_total{result="ok"} 1');
    expect(metrics).toContain('agnes_queries_total{result="refused"} 1');
  });

  test("deactivating a user stops their running query at once", async () => {
    const { session } = await setup({ QUERY_TIMEOUT_S: "60" });
    const id = await t.createUser("runner@example.com", "runner-password-1");
    const pat = await patFor(t, await t.login("runner@example.com", "runner-password-1"));
    const running = query(t, pat, "SELECT count(*) FROM range(100000000000) t(a) WHERE a % 7 = 3");
    await Bun.sleep(300);
    expect((await t.api("PATCH", `/api/users/${id}`, { token: session, body: { active: false } })).status).toBe(200);
    const res = await running;
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/deactivated/);
  });

  test("beyond QUERY_CONCURRENCY queries wait; beyond the queue they get 429 with Retry-After", async () => {
    const { pat } = await setup({ QUERY_CONCURRENCY: "1", QUERY_TIMEOUT_S: "2" });
    const slow = "SELECT count(*) FROM range(100000000000) t(a) WHERE a % 7 = 3";
    const answers = await Promise.all(Array.from({ length: 12 }, () => query(t, pat, slow)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3); // 1 running + 8 waiting at most
    expect(statuses.every((s) => s === 408 || s === 429)).toBe(true);
    const refused = answers.find((r) => r.status === 429)!;
    expect(refused.headers.get("retry-after")).toBe("2");
  });
});
