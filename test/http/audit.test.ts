// The audit trail: every user mutation writes an entry in the same transaction (so a failing audit
// write fails and rolls back the change), no secrets in it, and GET /api/audit lists and filters it.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, type TestApp } from "../helpers/app";
import type { AuditEntry, ResetLink, User } from "../../src/shared/contract";

// argon2 (~80 ms a hash, several times that on a busy 2-core runner) makes some tests take seconds.

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
    const created = { email: "eve@example.com", name: "Eve", role: "viewer", via: "admin", with_password: true, must_change_password: true };
    expect(byAction["user.create"]!.params).toEqual(created);
    expect(byAction["user.set_password"]!.params).toEqual({ must_change_password: true });
    expect(byAction["user.update"]!.params).toEqual({
      changed: ["name", "role"],
      name: { from: "Eve", to: "Eve A." },
      role: { from: "viewer", to: "analyst" },
    });
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
    expect(users.entries.length).toBeGreaterThan(0);
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
    for (const huge of ["9223372036854775807", "99999999999999999999"]) {
      expect((await t.api("GET", `/api/audit?offset=${huge}`, { token: admin })).status).toBe(422);
      expect((await t.handle(`/admin/audit?offset=${huge}`, { headers: { accept: "text/html", authorization: `Bearer ${admin}` } })).status).toBe(200);
    }
  });
});

describe("signing in and out", () => {
  const WRONG = "not-the-password-7";

  async function signIn(email: string, password: string, headers: Record<string, string> = {}, app: TestApp = t) {
    return app.api("POST", "/auth/token", { body: { email, password }, headers });
  }

  test("auth.login_failed keeps the submitted email only when it is an account's, never the password", async () => {
    const adminId = (await audit("?action=auth.login")).entries[0]!.target!;
    expect((await signIn("Admin@Example.com", WRONG)).status).toBe(401);
    expect((await signIn("nobody@example.com", WRONG)).status).toBe(401);
    // Someone typed their password into the email box: it must not be stored.
    const typedPassword = "hunter2-typed-in-the-email-box";
    expect((await signIn(typedPassword, WRONG)).status).toBe(401);

    const { entries } = await audit("?action=auth.login_failed");
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({ actor_id: null, actor_email: null, target: null, params: {} });
    expect(entries[1]).toMatchObject({ actor_id: null, actor_email: null, target: null, params: {} });
    expect(entries[2]).toMatchObject({ actor_id: null, actor_email: null, target: adminId, params: { email: ADMIN_EMAIL } });
    const rows = await t.ctx.db.query<Record<string, unknown>>("SELECT * FROM audit_log WHERE action = 'auth.login_failed'");
    expect(rows).toHaveLength(3);
    for (const secret of [WRONG, typedPassword, "nobody@example.com"]) expect(JSON.stringify(rows)).not.toContain(secret);
  });

  test("a deactivated user's correct password is refused and writes auth.login_refused", async () => {
    const id = await t.createUser("gone@example.com", PASSWORD);
    expect((await t.api("POST", `/api/users/${id}/deactivate`, { token: admin })).status).toBe(200);
    const res = await signIn("gone@example.com", PASSWORD);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: "Account deactivated" });

    const { entries } = await audit(`?target=${id}&action=auth.`);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: "auth.login_refused", actor_id: id, actor_email: "gone@example.com", params: { reason: "deactivated" } });
    expect(JSON.stringify(entries)).not.toContain(PASSWORD);
    expect((await audit("?action=auth.login_failed")).total).toBe(0);
  });

  test("POST /logout with a session bearer ends that session and writes auth.logout", async () => {
    const second = await t.login();
    const login = (await audit("?action=auth.login")).entries[0]!;
    const sessionId = login.params.session_id;
    expect(typeof sessionId).toBe("string");

    const res = await t.api("POST", "/logout", { token: second });
    expect(res.status).toBe(303);
    expect((await t.api("GET", "/auth/me", { token: second })).status).toBe(401);

    const { entries } = await audit("?action=auth.logout");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor_id: login.target, actor_email: ADMIN_EMAIL, target: login.target, params: { session_id: sessionId } });
    expect(JSON.stringify(entries)).not.toContain(second);
  });

  test("with TRUST_PROXY=1 the audit ip is the last X-Forwarded-For entry; without it the header is ignored", async () => {
    const forwarded = { "x-forwarded-for": "10.66.66.66, 203.0.113.7" };
    await t.api("POST", "/api/users", { token: admin, body: { email: "direct@example.com", password: PASSWORD }, headers: forwarded });
    expect((await audit("?action=user.create")).entries[0]).toMatchObject({ params: { email: "direct@example.com" }, ip: null });

    const proxied = await createTestApp({ env: { TRUST_PROXY: "1" } });
    try {
      const token = ((await (await signIn(ADMIN_EMAIL, ADMIN_PASSWORD, forwarded, proxied)).json()) as { access_token: string }).access_token;
      expect((await signIn(ADMIN_EMAIL, WRONG, forwarded, proxied)).status).toBe(401);
      const created = await proxied.api("POST", "/api/users", { token, body: { email: "proxied@example.com", password: PASSWORD }, headers: forwarded });
      expect(created.status).toBe(201);

      const res = await proxied.api("GET", "/api/audit", { token });
      const entries = (await res.json()) as AuditEntry[];
      const ipOf = (action: string) => entries.filter((e) => e.action === action).map((e) => e.ip);
      expect(ipOf("user.create")).toEqual(["203.0.113.7", null]); // the second is the admin made from the environment
      expect(ipOf("auth.login_failed")).toEqual(["203.0.113.7"]);
      expect(ipOf("auth.login")).toEqual(["203.0.113.7"]);
    } finally {
      await proxied.close();
    }
  });
});
