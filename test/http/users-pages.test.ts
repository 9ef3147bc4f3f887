// /admin/users and /admin/audit as a browser uses them, through app.handle: cookie session, CSRF
// field, POST → 303 → GET with a flash, refusals as error flashes, escaping, and who may open them.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { cookieFrom, createTestApp, type TestApp } from "../helpers/app";
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

const XSS = "<img src=x onerror=alert(1)>";

async function userByEmail(email: string): Promise<User> {
  const list = (await (await t.api("GET", `/api/users?q=${encodeURIComponent(email)}`, { token: admin })).json()) as User[];
  return list.find((u) => u.email === email)!;
}

describe("who may open the pages", () => {
  test("not signed in → 302 to /login; analyst → 403 page naming the admin role", async () => {
    for (const path of ["/admin/users", "/admin/audit", "/admin/users/x/delete"]) {
      const anonymous = await t.handle(path, { headers: { accept: "text/html" } });
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get("location")).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    await t.createUser("an@example.com", "analyst-pass-1");
    const analyst = await t.browser("an@example.com", "analyst-pass-1");
    for (const path of ["/admin/users", "/admin/audit"]) {
      const res = await analyst.get(path);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("needs the admin role");
    }
    expect((await analyst.post("/admin/users", { email: "x@example.com" })).status).toBe(403);
  });
});

describe("/admin/users", () => {
  test("lists users as compact rows with a Manage link; the person page has the actions, your own none of deactivate/delete", async () => {
    const id = await t.createUser("row@example.com", "row-password-1", "viewer", "Row Person");
    const b = await t.browser();
    const html = await (await b.get("/admin/users")).text();
    expect(html).toContain("row@example.com");
    expect(html).toContain("Row Person");
    expect(html).toContain(`href="/admin/users/${id}"`);
    expect(html).not.toContain(`/admin/users/${id}/deactivate`);
    const person = await (await b.get(`/admin/users/${id}`)).text();
    expect(person).toContain(`/admin/users/${id}/deactivate/confirm`);
    expect(person).toContain(`/admin/users/${id}/delete`);
    expect(person).toContain(`/admin/users/${id}/role/confirm`);
    const own = await (await b.get(`/admin/users/${adminId}`)).text();
    expect(own).not.toContain(`/admin/users/${adminId}/deactivate`);
    expect(own).not.toContain(`/admin/users/${adminId}/delete`);
    expect(own).toContain(`/admin/users/${adminId}/role/confirm`);
  });

  test("names and emails with markup are shown as text", async () => {
    await t.createUser("xss@example.com", "xss-password-1", "viewer", XSS);
    const b = await t.browser();
    const html = await (await b.get("/admin/users")).text();
    expect(html).not.toContain(XSS);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  test("add, change role, deactivate, activate, set password: each 303s back with a flash", async () => {
    const b = await t.browser();
    const back = "/admin/users?q=new";
    let html = await b.submit("/admin/users", { email: " New@Example.com ", name: "New", role: "viewer", password: "", back });
    expect(html).toContain("Added new@example.com as viewer.");
    const user = await userByEmail("new@example.com");
    expect(user.role).toBe("viewer");

    const changed = await b.post(`/admin/users/${user.id}/role`, { role: "km_admin", back, confirm: "yes" });
    expect(changed.headers.get("location")).toBe(`/admin/users/${user.id}`);
    expect(await b.follow(changed)).toContain("new@example.com is now km_admin.");
    expect(await b.submit(`/admin/users/${user.id}/deactivate`, { confirm: "yes" })).toContain("Deactivated new@example.com");
    expect((await userByEmail("new@example.com")).active).toBe(false);
    expect(await b.submit(`/admin/users/${user.id}/activate`, {})).toContain("Activated new@example.com.");
    html = await b.submit(`/admin/users/${user.id}/password`, { password: "page-set-pass-1" });
    expect(html).toContain("Password set for new@example.com");
    expect(await t.login("new@example.com", "page-set-pass-1")).toBeString();
  });

  test("refusals come back as error flashes, not crashes, and change nothing", async () => {
    await t.createUser("dup@example.com", "dup-password-1");
    const b = await t.browser();
    const before = await (await t.api("GET", "/api/users", { token: admin })).text();
    const cases: [string, Record<string, string>, string][] = [
      [`/admin/users/${adminId}/deactivate`, { confirm: "yes" }, "Cannot deactivate yourself"],
      [`/admin/users/${adminId}/delete`, { confirm: "yes" }, "Cannot delete yourself"],
      [`/admin/users/${adminId}/role`, { role: "viewer", confirm: "yes" }, "Cannot demote the last active admin"],
      ["/admin/users/nobody/activate", {}, "User not found"],
      [`/admin/users/${adminId}/password`, { password: "short" }, "at least 8"],
    ];
    for (const [path, fields, message] of cases) {
      const html = await b.submit(path, fields);
      expect(html).toContain('class="flash flash-error"');
      expect(html).toContain(message);
    }
    // "Add user" keeps its input: the page itself comes back, the form open, the error beside its field.
    const addCases: [Record<string, string>, number, string, string][] = [
      [{ email: "DUP@example.com", name: "Dup Again" }, 409, "email", "already exists"],
      [{ email: "not-an-email" }, 400, "email", "Enter a valid email address"],
      [{ email: "ok@example.com", role: "wizard" }, 400, "role", "Unknown role"],
      [{ email: "ok@example.com", password: "short" }, 400, "password", "at least 8"],
    ];
    for (const [fields, status, field, message] of addCases) {
      const res = await b.post("/admin/users", fields);
      expect(res.status).toBe(status);
      const html = await res.text();
      expect(html).toContain('<details class="card add-user" open>');
      expect(html).toMatch(new RegExp(`<span class="field-error" id="add-${field}-error">[^<]*${message}`));
      expect(html).toContain(`value="${fields.email}"`);
      if (fields.name) expect(html).toContain(`value="${fields.name}"`);
      if (fields.password) expect(html).not.toContain(fields.password);
    }
    expect(await (await t.api("GET", "/api/users", { token: admin })).text()).toBe(before);
  });

  test("a form with a forged CSRF token is refused (403) and changes nothing", async () => {
    const id = await t.createUser("csrf@example.com", "csrf-password-1");
    const b = await t.browser();
    const res = await b.post(`/admin/users/${id}/deactivate`, { _csrf: "forged" });
    expect(res.status).toBe(403);
    expect((await userByEmail("csrf@example.com")).active).toBe(true);
  });

  test("a change lands on the person's page, whatever back= says", async () => {
    const id = await t.createUser("back@example.com", "back-password-1");
    const b = await t.browser();
    for (const back of ["https://evil.example/", "//evil.example", "/dashboard", "/admin/users/x/delete"]) {
      const res = await b.post(`/admin/users/${id}/activate`, { back });
      expect(res.headers.get("location")).toBe(`/admin/users/${id}`);
    }
  });

  test("reset link: shown once on the page after the POST, with a copy button", async () => {
    const id = await t.createUser("reset@example.com", "reset-password-1");
    const b = await t.browser();
    const res = await b.post(`/admin/users/${id}/reset-link`, { confirm: "yes" });
    const flash = cookieFrom(res, "flash")!;
    expect(Buffer.from(flash, "base64url").toString()).not.toContain("token=");
    const html = await b.follow(res);
    const url = /<code class="reset-link">([^<]+)<\/code>/.exec(html)![1]!;
    expect(url).toStartWith("http://localhost/auth/password/reset?token=");
    expect(html).toContain(`data-copy="${url}"`);
    const again = await (await b.get(`/admin/users/${id}`, `flash=${flash}`)).text();
    expect(again).not.toContain(url);
    expect((await t.handle(new URL(url).pathname + new URL(url).search)).status).toBe(200);
  });

  test("delete needs the confirmation step; the GET page asks, the POST deletes", async () => {
    const id = await t.createUser("bye@example.com", "bye-password-1", "viewer", "Bye <b>");
    const b = await t.browser();
    const confirm = await b.get(`/admin/users/${id}/delete`);
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toContain("Delete Bye &lt;b&gt; &lt;bye@example.com&gt;?");
    expect(page).toContain('name="confirm" value="yes"');
    const unconfirmed = await b.post(`/admin/users/${id}/delete`, {});
    expect(unconfirmed.status).toBe(303);
    expect(unconfirmed.headers.get("location")).toBe(`/admin/users/${id}/delete`);
    expect((await t.api("GET", `/api/users/${id}`, { token: admin })).status).toBe(200);
    expect(await b.submit(`/admin/users/${id}/delete`, { confirm: "yes" })).toContain("Deleted bye@example.com.");
    expect((await t.api("GET", `/api/users/${id}`, { token: admin })).status).toBe(404);
    expect((await b.get(`/admin/users/${id}/delete`)).status).toBe(404);
  });

  test("search, role and status filters, and pages that keep them", async () => {
    for (let i = 0; i < 7; i++) await t.api("POST", "/api/users", { token: admin, body: { email: `page-${i}@example.com`, role: "viewer" } });
    await t.api("POST", "/api/users", { token: admin, body: { email: "other@example.com", role: "km_admin" } });
    const b = await t.browser();
    const html = await (await b.get("/admin/users?q=PAGE-&role=viewer&status=active&limit=5")).text();
    expect(html).toContain("page-4@example.com");
    expect(html).not.toContain("page-5@example.com");
    expect(html).not.toContain("other@example.com");
    expect(html).toContain("1–5 of 7");
    expect(html).toContain(`href="/admin/users?q=PAGE-&role=viewer&status=active&offset=5&limit=5"`);
    const none = await (await b.get("/admin/users?status=deactivated&role=bogus&limit=zz")).text();
    expect(none).toContain("No users match these filters.");
  });
});

describe("/admin/audit", () => {
  test("lists entries newest first, filters, escapes", async () => {
    await t.createUser("audited@example.com", "audited-pass-1", "viewer", XSS);
    const b = await t.browser();
    const html = await (await b.get("/admin/audit?action=user.create")).text();
    expect(html).toContain('data-action="user.create"');
    expect(html).not.toContain('data-action="auth.login"');
    expect(html).not.toContain(XSS);
    expect(html).toContain("audited@example.com");
    const filtered = await (await b.get("/admin/audit?actor=nobody@example.com")).text();
    expect(filtered).toContain("No entries match these filters.");
  });
});
