// /admin/users as a list plus a person's page, and the one confirmation pattern for the risky
// actions on a person: GET …/confirm renders, a POST without CSRF is refused, a POST without
// confirm=yes only asks, a confirmed POST acts. Through app.handle, as a browser without JavaScript.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cookieFrom, createTestApp, type TestApp } from "../helpers/app";
import type { User } from "../../src/shared/contract";

let t: TestApp;
let admin: string;
let adminId: string;
type Browser = Awaited<ReturnType<TestApp["browser"]>>;
let b: Browser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login();
  adminId = ((await (await t.api("GET", "/auth/me", { token: admin })).json()) as { id: string }).id;
  b = await t.browser();
});
afterAll(() => t.close());

const userOf = async (id: string) => (await (await t.api("GET", `/api/users/${id}`, { token: admin })).json()) as User;
const withoutCsrf = (path: string, fields: Record<string, string>) =>
  t.handle(path, {
    method: "POST",
    headers: { accept: "text/html", cookie: b.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });

describe("the list", () => {
  test("a count header, compact rows with Manage, deactivated rows dimmed, an empty state that says what to do", async () => {
    const gone = await t.createUser("gone@example.com", "gone-password-1", "viewer", "Gone");
    await t.api("POST", `/api/users/${gone}/deactivate`, { token: admin });
    const html = await (await b.get("/admin/users")).text();
    const users = (await (await t.api("GET", "/api/users?limit=500", { token: admin })).json()) as User[];
    const deactivated = users.filter((u) => !u.active).length;
    expect(html).toContain(`${users.length} users · ${deactivated} deactivated`);
    expect(html).toMatch(new RegExp(`<tr data-user-id="${gone}" class="inactive">`));
    expect(html).toContain(`aria-label="Manage gone@example.com"`);
    const none = await (await b.get("/admin/users?q=zzz-nobody")).text();
    expect(none).toContain("No users match these filters. Try another search, or add the person above.");
    expect(none).toContain(`<a href="/admin/users">Clear the filters</a>`);
    expect(none).not.toContain("0–0 of 0");
  });
});

describe("a person's page", () => {
  test("their sessions, tokens, groups and recent activity as sentences; a danger zone; 404 for an unknown id", async () => {
    const id = await t.createUser("kat@example.com", "kat-password-1", "viewer", "Katarzyna");
    const kat = await t.login("kat@example.com", "kat-password-1");
    await t.api("POST", "/auth/tokens", { token: kat, body: { name: "kat-ci" } });
    await t.api("POST", "/api/groups", { token: admin, body: { name: "Finance" } });
    const groups = (await (await t.api("GET", "/api/groups", { token: admin })).json()) as { id: string; name: string }[];
    const finance = groups.find((g) => g.name === "Finance")!;
    expect((await t.api("PUT", `/api/groups/${finance.id}/members/${id}`, { token: admin })).status).toBe(200);
    const html = await (await b.get(`/admin/users/${id}`)).text();
    expect(html).toContain("Katarzyna &lt;kat@example.com&gt;");
    expect(html).toContain("kat-ci");
    expect(html).toContain(`href="/admin/groups/${finance.id}"`);
    expect(html).toContain("Katarzyna signed in");
    expect(html).toContain("added kat@example.com to the group Finance");
    expect(html).toContain('class="card danger-zone"');
    expect(html).toContain(`/admin/users/${id}/deactivate/confirm`);
    expect((await b.get("/admin/users/no-such-person")).status).toBe(404);
    expect((await b.get("/admin/users/no-such-person/role/confirm?role=viewer")).status).toBe(404);
  });

  test("an analyst gets 403, a visitor is sent to sign in", async () => {
    await t.createUser("an@example.com", "analyst-pass-1");
    const analyst = await t.browser("an@example.com", "analyst-pass-1");
    expect((await analyst.get(`/admin/users/${adminId}`)).status).toBe(403);
    expect((await analyst.get(`/admin/users/${adminId}/deactivate/confirm`)).status).toBe(403);
    expect((await t.handle(`/admin/users/${adminId}`, { headers: { accept: "text/html" } })).status).toBe(302);
  });
});

type Case = {
  name: string;
  confirm: (id: string) => string;
  post: (id: string) => string;
  fields: Record<string, string>;
  done: (id: string) => Promise<boolean>;
};

const CASES: Case[] = [
  {
    name: "role change",
    confirm: (id) => `/admin/users/${id}/role/confirm?role=analyst`,
    post: (id) => `/admin/users/${id}/role`,
    fields: { role: "analyst" },
    done: async (id) => (await userOf(id)).role === "analyst",
  },
  {
    name: "deactivate",
    confirm: (id) => `/admin/users/${id}/deactivate/confirm`,
    post: (id) => `/admin/users/${id}/deactivate`,
    fields: {},
    done: async (id) => !(await userOf(id)).active,
  },
  {
    name: "reset link",
    confirm: (id) => `/admin/users/${id}/reset-link/confirm`,
    post: (id) => `/admin/users/${id}/reset-link`,
    fields: {},
    done: async (id) => (await t.ctx.db.query("SELECT id FROM password_resets WHERE user_id = $1", [id])).length === 1,
  },
  {
    name: "delete",
    confirm: (id) => `/admin/users/${id}/delete`,
    post: (id) => `/admin/users/${id}/delete`,
    fields: {},
    done: async (id) => (await t.api("GET", `/api/users/${id}`, { token: admin })).status === 404,
  },
];

describe("every risky action on a person asks first, on the server", () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const id = await t.createUser(`${c.name.replace(" ", "-")}@example.com`, "target-password-1", "viewer");
      const page = await b.get(c.confirm(id));
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(`action="${c.post(id)}"`);
      expect(html).toContain('name="confirm" value="yes"');
      expect(html).toContain(`name="_csrf" value="${b.csrf}"`);
      expect((await withoutCsrf(c.post(id), { ...c.fields, confirm: "yes" })).status).toBe(403);
      const asked = await b.post(c.post(id), c.fields);
      expect(asked.status).toBe(303);
      expect(asked.headers.get("location")).toBe(c.confirm(id));
      expect(await c.done(id)).toBe(false);
      expect((await b.post(c.post(id), { ...c.fields, confirm: "yes" })).status).toBe(303);
      expect(await c.done(id)).toBe(true);
    });
  }
});

describe("what the confirmation pages say", () => {
  test("your own role as the last admin: refused, no button; with another admin: a warning, then the dashboard", async () => {
    const refused = await (await b.get(`/admin/users/${adminId}/role/confirm?role=viewer`)).text();
    expect(refused).toContain("Cannot demote the last active admin: you are the only one.");
    expect(refused).not.toContain('name="confirm"');
    const otherId = await t.createUser("second-admin@example.com", "second-admin-1", "admin");
    const second = await t.browser("second-admin@example.com", "second-admin-1");
    const warned = await (await second.get(`/admin/users/${otherId}/role/confirm?role=analyst`)).text();
    expect(warned).toContain("This is your own role. As analyst you lose access to the admin pages");
    const done = await second.post(`/admin/users/${otherId}/role`, { role: "analyst", confirm: "yes" });
    expect(done.headers.get("location")).toBe("/dashboard");
    expect(await second.follow(done)).toContain("second-admin@example.com is now analyst.");
    expect((await b.get(`/admin/users/${adminId}/role/confirm?role=wizard`)).status).toBe(400);
  });

  test("a reset link says which link it replaces, and shows the new one once on the person's page", async () => {
    const id = await t.createUser("twice@example.com", "twice-password-1");
    const first = await (await b.get(`/admin/users/${id}/reset-link/confirm`)).text();
    expect(first).not.toContain("This replaces the link issued at");
    const issued = t.clock.now().toISOString().slice(0, 16).replace("T", " ");
    await b.post(`/admin/users/${id}/reset-link`, { confirm: "yes" });
    t.clock.advance(60_000);
    const second = await (await b.get(`/admin/users/${id}/reset-link/confirm`)).text();
    expect(second).toContain(`This replaces the link issued at ${issued} UTC: that one stops working.`);
    const res = await b.post(`/admin/users/${id}/reset-link`, { confirm: "yes" });
    expect(res.headers.get("location")).toBe(`/admin/users/${id}`);
    const html = await b.follow(res);
    expect(html).toMatch(/<code class="reset-link">http:\/\/localhost\/auth\/password\/reset\?token=/);
  });

  test("deactivating yourself is refused on the page, without a button", async () => {
    const html = await (await b.get(`/admin/users/${adminId}/deactivate/confirm`)).text();
    expect(html).toContain("Cannot deactivate yourself");
    expect(html).not.toContain('name="confirm"');
  });
});

describe("Add user", () => {
  test("and create a reset link in one step: lands on their page with the link shown once", async () => {
    const res = await b.post("/admin/users", { email: "fresh@example.com", name: "Fresh", role: "analyst", also: "reset-link" });
    const user = ((await (await t.api("GET", "/api/users?q=fresh@example.com", { token: admin })).json()) as User[])[0]!;
    expect(res.headers.get("location")).toBe(`/admin/users/${user.id}`);
    expect(Buffer.from(cookieFrom(res, "flash")!, "base64url").toString()).not.toContain("token=");
    const html = await b.follow(res);
    expect(html).toContain("Added fresh@example.com as analyst. Reset link for fresh@example.com created.");
    expect(html).toMatch(/<code class="reset-link">http:\/\/localhost\/auth\/password\/reset\?token=/);
  });
});
