// The audit trail: every user mutation writes an entry in the same transaction (so a failing audit
// write fails and rolls back the change), no secrets in it, and GET /api/audit lists and filters it.
import { afterEach, beforeEach, describe, expect, test, setDefaultTimeout } from "bun:test";
import { ADMIN_EMAIL, createTestApp, type TestApp } from "../helpers/app";
import type { AuditEntry, ResetLink, User } from "../../src/shared/contract";

// argon2 (~80 ms a hash, several times that on a busy 2-core runner) makes some tests take seconds.
setDefaultTimeout(30_000);

let t: TestApp;
let admin: string;
beforeEach(async () => {
  t = await createTestApp();
  admin = await t.login();
});
afterEach(() => t.close());

const PASSWORD = "audited-password-1";

async function audit(query = ""): Promise<{ entries: AuditEntry[]; total: number }> {
  const res = await t.api("GET", `/api/audit${query}`, { token: admin });
  expect(res.status).toBe(200);
  return { entries: (await res.json()) as AuditEntry[], total: Number(res.headers.get("x-total-count")) };
}

describe("what gets recorded", () => {
  test("each mutation writes its action, target and params, newest first, without secrets", async () => {
    const create = await t.api("POST", "/api/users", { token: admin, body: { email: "Eve@Example.com", name: "Eve", role: "viewer", password: PASSWORD } });
    const eve = (await create.json()) as User;
    await t.api("PATCH", `/api/users/${eve.id}`, { token: admin, body: { role: "analyst", name: "Eve A." } });
    await t.api("POST", `/api/users/${eve.id}/deactivate`, { token: admin });
    await t.api("POST", `/api/users/${eve.id}/activate`, { token: admin });
    await t.api("POST", `/api/users/${eve.id}/set-password`, { token: admin, body: { password: "another-secret-9" } });
    const link = (await (await t.api("POST", `/api/users/${eve.id}/reset-password`, { token: admin })).json()) as ResetLink;
    const form = new URLSearchParams({ token: link.reset_token, password: "third-secret-99", password_confirm: "third-secret-99" });
    const reset = await t.handle("/auth/password/reset", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form });
    expect(reset.status).toBe(303);
    await t.api("DELETE", `/api/users/${eve.id}`, { token: admin });

    const { entries } = await audit(`?target=${eve.id}`);
    expect(entries.map((e) => e.action)).toEqual([
      "user.delete",
      "user.password_reset",
      "user.reset_link",
      "user.set_password",
      "user.activate",
      "user.deactivate",
      "user.update",
      "user.create",
    ]);
    const byAction = Object.fromEntries(entries.map((e) => [e.action, e]));
    expect(byAction["user.create"]!.params).toEqual({ email: "eve@example.com", name: "Eve", role: "viewer", with_password: true });
    expect(byAction["user.update"]!.params).toEqual({ changed: ["name", "role"], name: { from: "Eve", to: "Eve A." }, role: { from: "viewer", to: "analyst" } });
    expect(byAction["user.delete"]!.params).toMatchObject({ email: "eve@example.com", role: "analyst" });
    expect(byAction["user.deactivate"]!.actor_email).toBe(ADMIN_EMAIL);
    expect(byAction["user.password_reset"]!.actor_email).toBe("eve@example.com");
    const everything = JSON.stringify(entries);
    for (const secret of [PASSWORD, "another-secret-9", "third-secret-99", link.reset_token]) expect(everything).not.toContain(secret);
  });

  test("a refused change writes nothing", async () => {
    const { total } = await audit();
    await t.api("POST", "/api/users", { token: admin, body: { email: "bad", password: PASSWORD } });
    await t.api("PATCH", "/api/users/nobody", { token: admin, body: { role: "viewer" } });
    expect((await audit()).total).toBe(total);
  });
});

describe("when the audit write fails, the change fails too", () => {
  const auditDown = () => {
    t.ctx.audit.record = async () => {
      throw new Error("audit down");
    };
  };

  test("create, update, deactivate, delete, set-password, reset link → 500 and rolled back", async () => {
    const id = await t.createUser("victim@example.com", PASSWORD, "viewer");
    const session = await t.login("victim@example.com", PASSWORD);
    const before = await (await t.api("GET", "/api/users?limit=500", { token: admin })).text();
    auditDown();
    const calls: [string, string, unknown?][] = [
      ["POST", "/api/users", { email: "ghost@example.com" }],
      ["PATCH", `/api/users/${id}`, { role: "admin", name: "Changed" }],
      ["POST", `/api/users/${id}/deactivate`],
      ["DELETE", `/api/users/${id}`],
      ["POST", `/api/users/${id}/set-password`, { password: "never-stored-1" }],
      ["POST", `/api/users/${id}/reset-password`],
    ];
    for (const [method, path, body] of calls) {
      const res = await t.api(method, path, { token: admin, body });
      expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 500`);
      expect(await res.json()).toEqual({ detail: "Internal server error" });
    }
    expect(await (await t.api("GET", "/api/users?limit=500", { token: admin })).text()).toBe(before);
    const resets = await t.ctx.db.query<{ n: number }>("SELECT count(*) AS n FROM password_resets");
    expect(resets[0]!.n).toBe(0);
    expect((await t.api("GET", "/auth/me", { token: session })).status).toBe(200);
    expect(t.log.lines.some((line) => line.includes("audit down"))).toBe(true);
  });
});

describe("GET /api/audit", () => {
  test("filters by actor (email or id), action (exact or 'user.' prefix) and target; pages with X-Total-Count", async () => {
    const a = await t.createUser("a@example.com", PASSWORD, "admin");
    const aSession = await t.login("a@example.com", PASSWORD);
    const b = await t.createUser("b@example.com", PASSWORD);
    await t.api("PATCH", `/api/users/${b}`, { token: aSession, body: { role: "viewer" } });
    await t.api("POST", `/api/users/${b}/deactivate`, { token: aSession });

    const byActor = await audit("?actor=A@example.com");
    expect(byActor.entries.map((e) => e.action)).toEqual(["user.deactivate", "user.update", "auth.login"]);
    expect((await audit(`?actor=${a}`)).total).toBe(3);
    expect((await audit("?action=user.deactivate")).entries.map((e) => e.target)).toEqual([b]);
    const users = await audit("?action=user.");
    expect(users.entries.every((e) => e.action.startsWith("user."))).toBe(true);
    expect(users.total).toBe(5);
    expect((await audit(`?target=${b}&action=user.update`)).entries[0]!.params).toMatchObject({ role: { from: "analyst", to: "viewer" } });

    const all = await audit();
    const page = await audit("?limit=2&offset=1");
    expect(page.total).toBe(all.total);
    expect(page.entries.map((e) => e.id)).toEqual(all.entries.slice(1, 3).map((e) => e.id));
    expect(all.entries[0]!.created_at >= all.entries.at(-1)!.created_at).toBe(true);
  });

  test("bad paging → 422", async () => {
    expect((await t.api("GET", "/api/audit?limit=x", { token: admin })).status).toBe(422);
  });
});
