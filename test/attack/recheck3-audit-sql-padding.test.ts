// The data.query audit entry kept the first 2,000 characters of the SQL: a query padded with a
// comment of 2,000 characters read a dataset while its entry showed only the comment. Now a query's
// SQL is kept whole (the request body's 64 KB bound it).
import { afterAll, expect, test } from "bun:test";
import { createTestApp } from "../helpers/app";
import { query, storeCsv } from "../data/helpers";

const t = await createTestApp();
const admin = await t.login();
await storeCsv(t, "salaries", "who,amount\nann,100\n");
afterAll(() => t.close());

const entries = async () => {
  await t.ctx.data.audits.flush();
  const rows = await t.ctx.db.query<{ params: string }>("SELECT params FROM audit_log WHERE action = 'data.query' ORDER BY created_at, id");
  return rows.map((row) => JSON.parse(row.params) as { sql: string; result: string });
};

test("a query padded with a long comment is audited with the table it read", async () => {
  const sql = `/*${" ".repeat(2500)}*/ SELECT amount FROM salaries`;
  const res = await query(t, admin, sql);
  expect(res.status).toBe(200);
  expect((await entries()).at(-1)?.sql).toContain("FROM salaries");
});

test("SQL as long as a request body may carry is audited whole", async () => {
  const sql = `/*${" ".repeat(60_000)}*/ SELECT amount FROM salaries`;
  expect((await query(t, admin, sql)).status).toBe(200);
  expect((await entries()).at(-1)?.sql).toBe(sql);
});
