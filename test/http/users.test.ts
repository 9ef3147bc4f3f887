// /api/users: CRUD, filters and paging, validation at the edge (nothing changes on a refusal), and
// the lock-out of deactivated users, role changes and password changes.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { ADMIN_EMAIL, createTestApp, type TestApp } from "../helpers/app";
import type { User } from "../../src/shared/contract";
import { insertUser } from "../../src/modules/users/repository";

// argon2 (~80 ms a hash, several times that on a busy 2-core runner) makes some tests take seconds.

let t: TestApp;
let admin: string;
beforeEach(async () => {
  t = await createTestApp();
  admin = await t.login();
});
afterEach(() => t.close());

const PASSWORD = "analyst-password-1";

async function create(body: Record<string, unknown>): Promise<User> {
  const res = await t.api("POST", "/api/users", { token: admin, body });
  expect(res.status).toBe(201);
  return (await res.json()) as User;
}

/** Everything a refused request must leave untouched: the users and the audit trail. */
async function snapshot(): Promise<string> {
  const users = await (await t.api("GET", "/api/users?limit=500", { token: admin })).text();
  const audit = (await t.api("GET", "/api/audit?limit=1", { token: admin })).headers.get("x-total-count");
  return `${users}\naudit=${audit}`;
}

describe("create and read", () => {
  test("POST /api/users → 201 User; email trimmed and lower-cased; defaults to analyst; no secrets", async () => {
    const res = await t.api("POST", "/api/users", { token: admin, body: { email: "  Ann@Example.COM ", name: " Ann ", password: PASSWORD } });
    expect(res.status).toBe(201);
    const user = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(user).sort()).toEqual(
      ["active", "created_at", "deactivated_at", "deactivated_by", "email", "id", "last_login_at", "name", "role", "updated_at"].sort(),
    );
    expect(user).toMatchObject({ email: "ann@example.com", name: "Ann", role: "analyst", active: true, deactivated_at: null, last_login_at: null });
    expect(user.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await t.login("ANN@example.com", PASSWORD)).toBeString();
    const fetched = await t.api("GET", `/api/users/${user.id}`, { token: admin });
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toEqual({ ...user, last_login_at: expect.any(String) });
  });

  test("without a password the user exists but cannot sign in until a reset link is used", async () => {
    const user = await create({ email: "nopass@example.com", role: "viewer" });
    expect(user.role).toBe("viewer");
    const login = await t.api("POST", "/auth/token", { body: { email: "nopass@example.com", password: "" } });
    expect(login.status).toBe(401);
    const link = await t.api("POST", `/api/users/${user.id}/reset-password`, { token: admin });
    expect(link.status).toBe(200);
  });

  test("duplicate email (case and spaces ignored) → 409, nothing changes", async () => {
    await create({ email: "dup@example.com" });
    const before = await snapshot();
    const res = await t.api("POST", "/api/users", { token: admin, body: { email: " DUP@example.com", password: PASSWORD } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain("already exists");
    expect(await snapshot()).toBe(before);
  });

  test.each([
    [{ email: "x@example.com", role: "superuser" }, 400, "Unknown role"],
    [{ email: "x@example.com", role: "Admin" }, 400, "Unknown role"],
    [{ email: "x@example.com", password: "short" }, 400, "at least 8"],
    [{ email: "not-an-email" }, 400, "valid email"],
    [{ email: "two@@example.com" }, 400, "valid email"],
    [{ email: "" }, 400, "valid email"],
    [{ email: "a\u0000b@example.com" }, 400, "valid email"],
    [{ email: "a,b@example.com" }, 400, "valid email"],
    [{ email: "a@example" }, 400, "valid email"],
    [{ name: "no email" }, 422, "email"],
    [{ email: 42 }, 422, "email"],
    [{ email: "x@example.com", active: "yes", password: 12345678 }, 422, "password"],
  ])("POST %j → %i, nothing changes", async (body, status, message) => {
    const before = await snapshot();
    const res = await t.api("POST", "/api/users", { token: admin, body });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { detail: string }).detail).toContain(message);
    expect(await snapshot()).toBe(before);
  });

  test.each(["no-such-id", "00000000-0000-0000-0000-000000000000", "%27%20OR%201=1", "..%2F..%2Fetc", "x".repeat(300), "%00"])(
    "unknown or malformed id %p → 404 everywhere",
    async (id) => {
      const before = await snapshot();
      for (const [method, path, body] of [
        ["GET", `/api/users/${id}`],
        ["PATCH", `/api/users/${id}`, { name: "x" }],
        ["DELETE", `/api/users/${id}`],
        ["POST", `/api/users/${id}/reset-password`],
        ["POST", `/api/users/${id}/set-password`, { password: "long-enough-1" }],
        ["POST", `/api/users/${id}/activate`],
        ["POST", `/api/users/${id}/deactivate`],
      ] as const) {
        const res = await t.api(method, path, { token: admin, body });
        expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 404`);
        expect(((await res.json()) as { detail: string }).detail).toBeString();
      }
      expect(await snapshot()).toBe(before);
    },
  );
});

describe("list, filter, page", () => {
  test("q matches email or name substrings case-insensitively; role and active filter; X-Total-Count", async () => {
    await create({ email: "alice@corp.example", name: "Alice Smith", role: "viewer" });
    await create({ email: "bob@corp.example", name: "Bob SMITHERS", role: "km_admin" });
    const carol = await create({ email: "carol@other.example", name: "Carol", role: "analyst" });
    await t.api("POST", `/api/users/${carol.id}/deactivate`, { token: admin });
    const emails = async (query: string) => {
      const res = await t.api("GET", `/api/users${query}`, { token: admin });
      expect(res.status).toBe(200);
      const list = (await res.json()) as User[];
      expect(res.headers.get("x-total-count")).toBe(String(list.length));
      return list.map((u) => u.email);
    };
    expect(await emails("?q=smith")).toEqual(["alice@corp.example", "bob@corp.example"]);
    expect(await emails("?q=CORP.EX")).toEqual(["alice@corp.example", "bob@corp.example"]);
    expect(await emails("?q=%25")).toEqual([]);
    expect(await emails("?role=km_admin")).toEqual(["bob@corp.example"]);
    expect(await emails("?active=false")).toEqual(["carol@other.example"]);
    expect(await emails("?active=true&q=example")).toEqual(["admin@example.com", "alice@corp.example", "bob@corp.example"]);
    expect(await emails("?role=admin")).toEqual([ADMIN_EMAIL]);
  });

  test("limit/offset page through in email order; default 50, at most 500", async () => {
    await t.ctx.db.transaction(async (tx) => {
      for (let i = 0; i < 520; i++) {
        const n = String(i).padStart(3, "0");
        await insertUser(tx, { id: `seed-${n}`, email: `user-${n}@seed.example`, name: "", role: "viewer", passwordHash: null, now: t.clock.now() });
      }
    });
    const page = async (query: string) => {
      const res = await t.api("GET", `/api/users${query}`, { token: admin });
      expect(res.headers.get("x-total-count")).toBe("521");
      return (await res.json()) as User[];
    };
    expect((await page("")).length).toBe(50);
    expect((await page("?limit=1000")).length).toBe(500);
    const second = await page("?limit=10&offset=10");
    expect(second.map((u) => u.email)).toEqual(Array.from({ length: 10 }, (_, i) => `user-${String(i + 9).padStart(3, "0")}@seed.example`));
    expect((await page("?offset=600")).length).toBe(0);
  });

  test("bad filters: unknown role → 400, bad active/limit/offset → 422", async () => {
    expect((await t.api("GET", "/api/users?role=root", { token: admin })).status).toBe(400);
    expect((await t.api("GET", "/api/users?active=maybe", { token: admin })).status).toBe(422);
    expect((await t.api("GET", "/api/users?limit=-1", { token: admin })).status).toBe(422);
    expect((await t.api("GET", "/api/users?offset=abc", { token: admin })).status).toBe(422);
    for (const huge of ["9223372036854775807", "99999999999999999999", "10000001"]) {
      expect((await t.api("GET", `/api/users?offset=${huge}`, { token: admin })).status).toBe(422);
      expect((await t.api("GET", `/api/users?limit=${huge}`, { token: admin })).status).toBe(422);
      expect((await t.handle(`/admin/users?offset=${huge}`, { headers: { accept: "text/html", authorization: `Bearer ${admin}` } })).status).toBe(200);
    }
    expect((await t.api("GET", "/api/users?offset=10000000", { token: admin })).status).toBe(200);
  });
});

describe("update, activate, deactivate, delete", () => {
  test("PATCH name/role/active → 200 User; unknown role → 400 and nothing changes", async () => {
    const user = await create({ email: "pat@example.com", name: "Pat" });
    const res = await t.api("PATCH", `/api/users/${user.id}`, { token: admin, body: { name: "Patricia", role: "km_admin" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: user.id, name: "Patricia", role: "km_admin", active: true });
    const before = await snapshot();
    const bad = await t.api("PATCH", `/api/users/${user.id}`, { token: admin, body: { role: "owner", name: "changed" } });
    expect(bad.status).toBe(400);
    expect((await t.api("PATCH", `/api/users/${user.id}`, { token: admin, body: { active: "no" } })).status).toBe(422);
    expect(await snapshot()).toBe(before);
    const off = await t.api("PATCH", `/api/users/${user.id}`, { token: admin, body: { active: false } });
    expect(await off.json()).toMatchObject({ active: false });
  });

  test("deactivate records when and by whom; activate clears it", async () => {
    const user = await create({ email: "dee@example.com" });
    const me = (await (await t.api("GET", "/auth/me", { token: admin })).json()) as { id: string };
    const off = await t.api("POST", `/api/users/${user.id}/deactivate`, { token: admin });
    expect(off.status).toBe(200);
    const deactivated = (await off.json()) as User;
    expect(deactivated).toMatchObject({ active: false, deactivated_by: me.id });
    expect(deactivated.deactivated_at).toBeString();
    const on = await t.api("POST", `/api/users/${user.id}/activate`, { token: admin });
    expect(on.status).toBe(200);
    expect(await on.json()).toMatchObject({ active: true, deactivated_at: null, deactivated_by: null });
  });

  test("DELETE → 204; the user, their sessions, tokens and reset links are gone", async () => {
    const user = await create({ email: "gone@example.com", password: PASSWORD });
    const session = await t.login("gone@example.com", PASSWORD);
    await t.api("POST", `/api/users/${user.id}/reset-password`, { token: admin });
    const res = await t.api("DELETE", `/api/users/${user.id}`, { token: admin });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect((await t.api("GET", `/api/users/${user.id}`, { token: admin })).status).toBe(404);
    expect((await t.api("GET", "/auth/me", { token: session })).status).toBe(401);
    for (const table of ["sessions", "personal_access_tokens", "password_resets"]) {
      const rows = await t.ctx.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE user_id = $1`, [user.id]);
      expect(`${table}=${rows[0]!.n}`).toBe(`${table}=0`);
    }
    expect((await t.api("DELETE", `/api/users/${user.id}`, { token: admin })).status).toBe(404);
  });

  test("set-password: short → 400 (nothing changes); 204 ends the user's sessions; the new password works", async () => {
    const user = await create({ email: "sp@example.com", password: PASSWORD });
    const session = await t.login("sp@example.com", PASSWORD);
    const before = await snapshot();
    expect((await t.api("POST", `/api/users/${user.id}/set-password`, { token: admin, body: { password: "1234567" } })).status).toBe(400);
    expect((await t.api("POST", `/api/users/${user.id}/set-password`, { token: admin, body: {} })).status).toBe(422);
    expect(await snapshot()).toBe(before);
    expect((await t.api("GET", "/auth/me", { token: session })).status).toBe(200);
    const res = await t.api("POST", `/api/users/${user.id}/set-password`, { token: admin, body: { password: "brand-new-pass" } });
    expect(res.status).toBe(204);
    expect((await t.api("GET", "/auth/me", { token: session })).status).toBe(401);
    expect((await t.api("POST", "/auth/token", { body: { email: "sp@example.com", password: PASSWORD } })).status).toBe(401);
    expect(await t.login("sp@example.com", "brand-new-pass")).toBeString();
  });
});

describe("who may call it", () => {
  test("not signed in → 401 JSON; analyst → 403 JSON on every route", async () => {
    const id = await t.createUser("an@example.com", PASSWORD);
    const analyst = await t.login("an@example.com", PASSWORD);
    const before = await snapshot();
    for (const [method, path, body] of [
      ["GET", "/api/users"],
      ["POST", "/api/users", { email: "new@example.com" }],
      ["GET", `/api/users/${id}`],
      ["PATCH", `/api/users/${id}`, { role: "admin" }],
      ["DELETE", `/api/users/${id}`],
      ["POST", `/api/users/${id}/reset-password`],
      ["POST", `/api/users/${id}/set-password`, { password: "long-enough-1" }],
      ["POST", `/api/users/${id}/activate`],
      ["POST", `/api/users/${id}/deactivate`],
      ["GET", "/api/audit"],
    ] as const) {
      const anonymous = await t.api(method, path, { body });
      expect(`${method} ${path} ${anonymous.status}`).toBe(`${method} ${path} 401`);
      const denied = await t.api(method, path, { token: analyst, body });
      expect(`${method} ${path} ${denied.status}`).toBe(`${method} ${path} 403`);
      expect(((await denied.json()) as { detail: string }).detail).toContain("admin");
    }
    expect(await snapshot()).toBe(before);
  });
});
