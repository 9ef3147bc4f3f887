// A query that waits in the gate's queue (every slot taken) must be decided when it runs, not when
// it arrived: a dataset added meanwhile that the reader is not granted, or the reader's own
// deactivation, must not let the queued query through. The slot is held by the attacker's own
// streamed answer, left unread, so the order of events is exact (no timing).
import { afterAll, expect, test } from "bun:test";
import { groupsWorld } from "../groups/helpers";
import { storeCsv } from "../data/helpers";

const world = await groupsWorld({ DATASET_DEFAULT_GRANT: "none", QUERY_CONCURRENCY: "1" });
const { t, admin, analystId, analystPat } = world;
afterAll(() => t.close());

/** Takes the only query slot with a streamed answer nobody reads; cancelling its body gives the slot back. */
async function holdSlot(token: string): Promise<ReadableStream<Uint8Array>> {
  const res = await t.api("POST", "/api/query?format=csv", { token, body: { sql: "SELECT * FROM range(1000000)" } });
  expect(res.status).toBe(200);
  return res.body!;
}

test("a queued query cannot read a dataset added (ungranted) while it waited", async () => {
  const body = await holdSlot(analystPat);
  const queued = t.api("POST", "/api/query", { token: analystPat, body: { sql: "SELECT v FROM secret_new" } });
  await Bun.sleep(50);
  await storeCsv(t, "secret_new", "v\nhidden-value\n");
  await body.cancel();
  const res = await queued;
  expect(await res.text()).not.toContain("hidden-value");
  expect(res.status).not.toBe(200);
});

test("a queued query of someone deactivated while it waited does not run", async () => {
  const body = await holdSlot(analystPat);
  const queued = t.api("POST", "/api/query", { token: analystPat, body: { sql: "SELECT 4242 AS answer" } });
  await Bun.sleep(50);
  expect((await t.api("POST", `/api/users/${analystId}/deactivate`, { token: admin })).status).toBe(200);
  await body.cancel().catch(() => undefined); // deactivation already cut the held answer
  const res = await queued;
  expect(await res.text()).not.toContain("4242");
  expect(res.status).toBe(403);
});
