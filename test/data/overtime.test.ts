// A query DuckDB cannot interrupt (one giant value) is answered 408 at the timeout plus grace; its
// slot then goes to other users' queries while the work finishes as "overtime", which has its own
// bound (QUERY_CONCURRENCY): beyond it the slot stays taken, so DuckDB work stays bounded. Overtime
// counts against its user's own cap (QUERY_PER_USER), so these tests use one user per stuck query.
import { afterEach, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import type { Principal } from "../../src/auth/principal";
import { adminPrincipal, patFor, query } from "./helpers";

let t: TestApp;
afterEach(async () => {
  await t.close();
});

/** A principal for another (new) analyst, for calling the service directly. */
async function analyst(email: string): Promise<Principal> {
  const id = await t.createUser(email, "analyst-password-1");
  return { ...adminPrincipal(t.ctx), user: t.ctx.authState.snapshot(t.ctx.clock.now()).users.find((u) => u.id === id)! };
}

/** Work that ignores DuckDB's interrupt (as repeat('x', 2000000000) does) until `finish` is called. */
function stuckQuery(me: Principal = adminPrincipal(t.ctx)) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const answer = t.ctx.data
    .withQuery(me, () => done)
    .then(
      () => 200,
      (error: { status?: number }) => error.status ?? 500,
    );
  return { answer, finish };
}

test("after a stuck query's 408, another user's query runs in its slot; the server stays up", async () => {
  t = await createTestApp({ env: { QUERY_CONCURRENCY: "1", QUERY_TIMEOUT_S: "1" } });
  await t.createUser("other@example.com", "other-password-1");
  const pat = await patFor(t, await t.login("other@example.com", "other-password-1"));
  const stuck = stuckQuery();
  expect(await stuck.answer).toBe(408); // at 1 s + 3 s grace, while the work goes on
  const other = await query(t, pat, "SELECT 7 AS n");
  expect(other.status).toBe(200);
  expect(await other.json()).toMatchObject({ rows: [[7]] });
  stuck.finish();
  expect((await query(t, pat, "SELECT 8 AS n")).status).toBe(200);
});

test("overtime is bounded: past QUERY_CONCURRENCY stuck queries the slot stays taken (429 for the next)", async () => {
  t = await createTestApp({ env: { QUERY_CONCURRENCY: "1", QUERY_TIMEOUT_S: "1" } });
  const pat = await patFor(t, await t.login());
  const first = stuckQuery();
  expect(await first.answer).toBe(408);
  const second = stuckQuery(await analyst("second@example.com")); // gets the freed slot; overtime is full, so it keeps it after its 408
  expect(await second.answer).toBe(408);
  expect((await query(t, pat, "SELECT 1")).status).toBe(429);
  first.finish();
  second.finish();
  await Bun.sleep(10);
  expect((await query(t, pat, "SELECT 2")).status).toBe(200);
});
