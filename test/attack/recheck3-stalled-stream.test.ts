// A streamed answer (csv/ndjson) holds a query slot until its last chunk is taken. A client that
// asks for one and never reads it must not keep the slot (and its audit entry unwritten) past
// QUERY_TIMEOUT_S: with QUERY_CONCURRENCY such requests one user stopped every query of everyone.
import { afterAll, expect, test } from "bun:test";
import { groupsWorld } from "../groups/helpers";

const { t, admin, analystPat } = await groupsWorld({ QUERY_CONCURRENCY: "1", QUERY_TIMEOUT_S: "1" });
afterAll(() => t.close());

test("a streamed answer nobody reads is cut at QUERY_TIMEOUT_S: its slot goes back and its entry is written", async () => {
  const stalled = await t.api("POST", "/api/query?format=ndjson", { token: analystPat, body: { sql: "SELECT 'stalled-marker' AS m, * FROM range(1000000)" } });
  expect(stalled.status).toBe(200);
  await Bun.sleep(1500); // past QUERY_TIMEOUT_S, the body still unread
  const next = await t.api("POST", "/api/query", { token: admin, body: { sql: "SELECT 7 AS seven" } });
  expect(next.status).toBe(200);
  await t.ctx.data.audits.flush();
  const entries = await t.ctx.db.query<{ params: string }>("SELECT params FROM audit_log WHERE action = 'data.query'");
  const entry = entries.map((e) => JSON.parse(e.params) as { sql: string; result: string }).find((p) => p.sql.includes("stalled-marker"));
  expect(entry?.result).toBe("timeout");
  await stalled.body?.cancel().catch(() => undefined);
});
