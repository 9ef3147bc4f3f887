// The database applies a transaction's auth effects after COMMIT, in commit order, and never after
// a ROLLBACK: the in-memory auth state cannot hold what the tables do not.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { insertUser as addUser } from "../../src/modules/users/repository";
import { createTestApp, type TestApp } from "../helpers/app";
import { authEffects } from "../../src/auth/auth-effects";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ withAdmin: false });
});
afterEach(() => t.close());

const newUser = (id: string) => ({ id, email: `${id}@example.com`, name: "", role: "viewer" as const, passwordHash: null, now: t.clock.now() });

test("a committed write reaches the auth state only once COMMIT is done", async () => {
  let seenInside: unknown = "unset";
  await t.ctx.db.transaction(async (tx) => {
    await addUser(tx, newUser("u1"));
    seenInside = t.ctx.authState.user("u1");
  });
  expect(seenInside).toBeUndefined();
  expect(t.ctx.authState.user("u1")?.email).toBe("u1@example.com");
});

test("a rolled-back write never reaches the auth state", async () => {
  const failed = t.ctx.db.transaction(async (tx) => {
    await addUser(tx, newUser("u2"));
    throw new Error("changed my mind");
  });
  await expect(failed).rejects.toThrow("changed my mind");
  expect(t.ctx.authState.user("u2")).toBeUndefined();
  expect(await t.ctx.db.query("SELECT id FROM users WHERE id = 'u2'")).toEqual([]);
});

test("a write that outlives its transaction is refused, not silently lost", async () => {
  let late: Promise<void> = Promise.resolve();
  let transactionEnded!: () => void;
  const ended = new Promise<void>((resolve) => (transactionEnded = resolve));
  await t.ctx.db.transaction(async (tx) => {
    late = ended.then(() => authEffects(tx).putUser({ id: "x", email: "x@example.com", name: "", role: "viewer", active: true }));
  });
  transactionEnded(); // the late write runs only once the transaction has committed
  await expect(late).rejects.toThrow("after its transaction ended");
  expect(t.ctx.authState.user("x")).toBeUndefined();
});

test("a second auth state cannot be fed from the same database", () => {
  expect(() => t.ctx.db.onCommitted(() => undefined)).toThrow("already has a commit listener");
});
