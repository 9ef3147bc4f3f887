// Nobody can lock the instance out: self-deactivation/deletion and removing the last active admin
// are refused (409, exact messages), also when two admins act against each other at the same
// moment. And a deactivated user, or one whose role or password changed, is locked out at once.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { ADMIN_EMAIL, createTestApp, type TestApp } from "../helpers/app";
import type { User } from "../../src/shared/contract";

// argon2 (~80 ms a hash, several times that on a busy 2-core runner) makes some tests take seconds.

let t: TestApp;
let admin: string;
let adminId: string;
beforeEach(async () => {
  t = await createTestApp();
  admin = await t.login();
  adminId = ((await (await t.api("GET", "/auth/me", { token: admin })).json()) as { id: string }).id;
});
afterEach(() => t.close());

const PASSWORD = "second-password-1";

async function snapshot(): Promise<string> {
  const users = await (await t.api("GET", "/api/users?limit=500", { token: admin })).text();
  const audit = (await t.api("GET", "/api/audit?limit=1", { token: admin })).headers.get("x-total-count");
  return `${users}\naudit=${audit}`;
}

async function expectRefused(res: Response, message: string): Promise<void> {
  expect(res.status).toBe(409);
  expect(await res.json()).toEqual({ detail: message });
}

async function activeAdmins(): Promise<number> {
  const rows = await t.ctx.db.query<{ n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin' AND active");
  return rows[0]!.n;
}

/** A PAT for the given session: PATs survive role changes (sessions do not), so races can repeat. */
async function patFor(session: string): Promise<string> {
  const res = await t.api("POST", "/auth/tokens", { token: session, body: { name: "race", expires_in_days: 1 } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

describe("safeguards", () => {
  test("deactivating yourself → 409 'Cannot deactivate yourself' (both routes); nothing changes", async () => {
    const before = await snapshot();
    await expectRefused(await t.api("POST", `/api/users/${adminId}/deactivate`, { token: admin }), "Cannot deactivate yourself");
    await expectRefused(await t.api("PATCH", `/api/users/${adminId}`, { token: admin, body: { active: false } }), "Cannot deactivate yourself");
    expect(await snapshot()).toBe(before);
  });

  test("deleting yourself → 409 'Cannot delete yourself', even with other admins", async () => {
    await t.createUser("second@example.com", PASSWORD, "admin");
    const before = await snapshot();
    await expectRefused(await t.api("DELETE", `/api/users/${adminId}`, { token: admin }), "Cannot delete yourself");
    expect(await snapshot()).toBe(before);
  });

  test("the only active admin cannot demote themselves; deactivated admins do not count", async () => {
    const other = await t.createUser("sleeping@example.com", PASSWORD, "admin");
    await t.api("POST", `/api/users/${other}/deactivate`, { token: admin });
    const before = await snapshot();
    await expectRefused(await t.api("PATCH", `/api/users/${adminId}`, { token: admin, body: { role: "analyst" } }), "Cannot demote the last active admin");
    expect(await snapshot()).toBe(before);
    expect((await t.api("GET", "/auth/me", { token: admin })).status).toBe(200);
  });

  test("an inactive admin may be demoted or deleted while one active admin remains", async () => {
    const other = await t.createUser("old-admin@example.com", PASSWORD, "admin");
    await t.api("POST", `/api/users/${other}/deactivate`, { token: admin });
    expect((await t.api("PATCH", `/api/users/${other}`, { token: admin, body: { role: "viewer" } })).status).toBe(200);
    expect((await t.api("DELETE", `/api/users/${other}`, { token: admin })).status).toBe(204);
  });

  test("with a second active admin, demoting yourself works and keeps the session you used", async () => {
    await t.createUser("second@example.com", PASSWORD, "admin");
    const otherSession = await t.login();
    const res = await t.api("PATCH", `/api/users/${adminId}`, { token: admin, body: { role: "analyst" } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as User).role).toBe("analyst");
    const me = await t.api("GET", "/auth/me", { token: admin });
    expect(((await me.json()) as { role: string }).role).toBe("analyst");
    expect((await t.api("GET", "/auth/me", { token: otherSession })).status).toBe(401);
    expect((await t.api("GET", "/api/users", { token: admin })).status).toBe(403);
  });

  test("two admins demoting each other at the same moment: an active admin always remains (25 rounds)", async () => {
    const secondId = await t.createUser("second@example.com", PASSWORD, "admin");
    const pats: Record<string, string> = { [adminId]: await patFor(admin), [secondId]: await patFor(await t.login("second@example.com", PASSWORD)) };
    for (let round = 0; round < 25; round++) {
      const results = await Promise.all([
        t.api("PATCH", `/api/users/${secondId}`, { token: pats[adminId], body: { role: "analyst" } }),
        t.api("PATCH", `/api/users/${adminId}`, { token: pats[secondId], body: { role: "analyst" } }),
      ]);
      expect(await activeAdmins()).toBe(1);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]!);
      const loser = results.find((r) => r.status !== 200)!;
      if (loser.status === 409) expect(await loser.json()).toEqual({ detail: "Cannot demote the last active admin" });
      const [winner, demoted] = results[0]!.status === 200 ? [adminId, secondId] : [secondId, adminId];
      const restore = await t.api("PATCH", `/api/users/${demoted}`, { token: pats[winner], body: { role: "admin" } });
      expect(restore.status).toBe(200);
    }
  });

  test("two admins deactivating each other at the same moment: an active admin always remains (25 rounds)", async () => {
    const secondId = await t.createUser("second@example.com", PASSWORD, "admin");
    const pats: Record<string, string> = { [adminId]: await patFor(admin), [secondId]: await patFor(await t.login("second@example.com", PASSWORD)) };
    for (let round = 0; round < 25; round++) {
      const results = await Promise.all([
        t.api("POST", `/api/users/${secondId}/deactivate`, { token: pats[adminId] }),
        t.api("POST", `/api/users/${adminId}/deactivate`, { token: pats[secondId] }),
      ]);
      expect(await activeAdmins()).toBe(1);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses[0]).toBe(200);
      expect([401, 403, 409]).toContain(statuses[1]!);
      const loser = results.find((r) => r.status !== 200)!;
      if (loser.status === 409) expect(await loser.json()).toEqual({ detail: "Cannot deactivate the last active admin" });
      const [winner, deactivated] = results[0]!.status === 200 ? [adminId, secondId] : [secondId, adminId];
      expect((await t.api("POST", `/api/users/${deactivated}/activate`, { token: pats[winner] })).status).toBe(200);
    }
  });

  test("two admins deleting each other at the same moment: an active admin always remains", async () => {
    const secondId = await t.createUser("second@example.com", PASSWORD, "admin");
    const second = await t.login("second@example.com", PASSWORD);
    const results = await Promise.all([
      t.api("DELETE", `/api/users/${secondId}`, { token: admin }),
      t.api("DELETE", `/api/users/${adminId}`, { token: second }),
    ]);
    expect(await activeAdmins()).toBe(1);
    expect(results.map((r) => r.status).sort()).toEqual([204, expect.any(Number)]);
    expect([401, 409]).toContain(results.map((r) => r.status).sort()[1]!);
  });
});

describe("lock-out", () => {
  test("a deactivated user's issued session stops working on the next request (API 401, browser → /login)", async () => {
    const id = await t.createUser("locked@example.com", PASSWORD);
    const session = await t.login("locked@example.com", PASSWORD);
    expect((await t.api("GET", "/auth/me", { token: session })).status).toBe(200);
    const browser = () => t.handle("/dashboard", { headers: { cookie: `access_token=${session}`, accept: "text/html" } });
    expect((await browser()).status).toBe(200);
    expect((await t.api("POST", `/api/users/${id}/deactivate`, { token: admin })).status).toBe(200);
    expect((await t.api("GET", "/auth/me", { token: session })).status).toBe(401);
    const page = await browser();
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe("/login?next=%2Fdashboard");
    const login = await t.api("POST", "/auth/token", { body: { email: "locked@example.com", password: PASSWORD } });
    expect(login.status).toBe(401);
    expect(await login.json()).toEqual({ detail: "Account deactivated" });
    // Reactivating lets them sign in again, but the old session stays ended.
    await t.api("POST", `/api/users/${id}/activate`, { token: admin });
    expect((await t.api("GET", "/auth/me", { token: session })).status).toBe(401);
    expect(await t.login("locked@example.com", PASSWORD)).toBeString();
  });

  test("a deactivated user's personal access token stops working (and works again after reactivation)", async () => {
    const id = await t.createUser("ci@example.com", PASSWORD);
    const pat = await patFor(await t.login("ci@example.com", PASSWORD));
    expect((await t.api("GET", "/auth/me", { token: pat })).status).toBe(200);
    await t.api("POST", `/api/users/${id}/deactivate`, { token: admin });
    expect((await t.api("GET", "/auth/me", { token: pat })).status).toBe(401);
    await t.api("POST", `/api/users/${id}/activate`, { token: admin });
    expect((await t.api("GET", "/auth/me", { token: pat })).status).toBe(200);
  });

  test("a role change ends the user's sessions; the new role applies at once to their PAT", async () => {
    const id = await t.createUser("promo@example.com", PASSWORD, "viewer");
    const session = await t.login("promo@example.com", PASSWORD);
    const pat = await patFor(session);
    expect((await t.api("GET", "/api/users", { token: pat })).status).toBe(403);
    await t.api("PATCH", `/api/users/${id}`, { token: admin, body: { role: "admin" } });
    expect((await t.api("GET", "/auth/me", { token: session })).status).toBe(401);
    expect((await t.api("GET", "/api/users", { token: pat })).status).toBe(200);
  });

  test("a name-only change keeps the user's sessions", async () => {
    const id = await t.createUser("named@example.com", PASSWORD);
    const session = await t.login("named@example.com", PASSWORD);
    await t.api("PATCH", `/api/users/${id}`, { token: admin, body: { name: "New Name" } });
    const me = await t.api("GET", "/auth/me", { token: session });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { name: string }).name).toBe("New Name");
  });

  test("the bootstrap admin is the user the safeguards protect", async () => {
    const list = (await (await t.api("GET", "/api/users?role=admin", { token: admin })).json()) as User[];
    expect(list.map((u) => u.email)).toEqual([ADMIN_EMAIL]);
  });
});
