// The user service without HTTP: safeguard messages that only a race can reach through the API, and
// a race that bypasses the auth guard entirely (both calls authorised before either runs).
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createTestApp, ADMIN_EMAIL, type TestApp } from "../helpers/app";
import { Conflict, Forbidden } from "../../src/shared/errors";
import { findUserByEmail } from "../../src/modules/users/repository";
import { createUser, deleteUser, parseRole, SAFEGUARD, updateUser, type AdminCall } from "../../src/modules/users/service";
import { parseEmail } from "../../src/auth/email";
import { pageWindow } from "../../src/http/paging";

// argon2 (~80 ms a hash, several times that on a busy 2-core runner) makes some tests take seconds.

let t: TestApp;
let first: AdminCall;
let second: AdminCall;
beforeEach(async () => {
  t = await createTestApp();
  const row = (await findUserByEmail(t.ctx.db, ADMIN_EMAIL))!;
  first = { actor: { id: row.id, email: row.email }, ip: null, sessionId: null };
  const other = await createUser(t.ctx, first, { email: "second@example.com", role: "admin" });
  second = { actor: { id: other.id, email: other.email }, ip: null, sessionId: null };
});
afterEach(() => t.close());

async function activeAdmins(): Promise<number> {
  const rows = await t.ctx.db.query<{ n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin' AND active");
  return rows[0]!.n;
}

async function refusal(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Conflict);
  return (error as Error).message;
}

describe("races the guard cannot see", () => {
  test("both demotions authorised up front: exactly one wins, the other is refused inside its transaction", async () => {
    for (let round = 0; round < 10; round++) {
      const outcomes = await Promise.allSettled([
        updateUser(t.ctx, first, second.actor.id, { role: "viewer" }),
        updateUser(t.ctx, second, first.actor.id, { role: "viewer" }),
      ]);
      expect(await activeAdmins()).toBe(1);
      const failed = outcomes.filter((o) => o.status === "rejected") as PromiseRejectedResult[];
      expect(failed.length).toBe(1);
      expect(failed[0]!.reason).toBeInstanceOf(Conflict);
      expect((failed[0]!.reason as Error).message).toBe(SAFEGUARD.demoteLastAdmin);
      const [winner, loser] = outcomes[0]!.status === "fulfilled" ? [first, second] : [second, first];
      await updateUser(t.ctx, winner, loser.actor.id, { role: "admin" });
    }
  });

  test("deactivations and deletions authorised up front: the last active admin is kept", async () => {
    const outcomes = await Promise.allSettled([
      updateUser(t.ctx, first, second.actor.id, { active: false }),
      updateUser(t.ctx, second, first.actor.id, { active: false }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await activeAdmins()).toBe(1);
    const [winner, loser] = outcomes[0]!.status === "fulfilled" ? [first, second] : [second, first];
    expect(await refusal(updateUser(t.ctx, loser, winner.actor.id, { active: false }))).toBe(SAFEGUARD.deactivateLastAdmin);
    expect(await refusal(deleteUser(t.ctx, loser, winner.actor.id))).toBe(SAFEGUARD.deleteLastAdmin);
    expect(await refusal(updateUser(t.ctx, loser, winner.actor.id, { role: "analyst", active: false }))).toBe(SAFEGUARD.deactivateLastAdmin);
  });

  test("an admin demoted a moment ago cannot change anyone else (403 inside the transaction)", async () => {
    const analyst = await createUser(t.ctx, first, { email: "a@example.com" });
    await updateUser(t.ctx, first, second.actor.id, { role: "analyst" });
    const error = await updateUser(t.ctx, second, analyst.id, { role: "admin" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Forbidden);
    const error2 = await createUser(t.ctx, second, { email: "b@example.com" }).catch((e: unknown) => e);
    expect(error2).toBeInstanceOf(Forbidden);
  });
});

describe("input rules", () => {
  test("emails are trimmed and lower-cased; malformed ones are refused", () => {
    expect(parseEmail("  Ann.Lee+x@Example.ORG ")).toBe("ann.lee+x@example.org");
    for (const bad of ["", "ann", "ann@", "@example.com", "a b@example.com", "ann@example", `${"a".repeat(250)}@example.com`]) {
      expect(() => parseEmail(bad)).toThrow("Enter a valid email address");
    }
  });

  test("roles are the four known ones, exactly", () => {
    expect(parseRole("km_admin")).toBe("km_admin");
    for (const bad of ["ADMIN", "root", "", " admin"]) expect(() => parseRole(bad)).toThrow("Unknown role");
  });

  test("page window: default 50, clamped to 1..500, offset ≥ 0", () => {
    expect(pageWindow(undefined, undefined)).toEqual({ limit: 50, offset: 0 });
    expect(pageWindow(5000, 10)).toEqual({ limit: 500, offset: 10 });
    expect(pageWindow(0, -3)).toEqual({ limit: 1, offset: 0 });
  });
});
