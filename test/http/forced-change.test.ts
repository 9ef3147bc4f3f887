// A password set by an admin (or an account an admin created with one) must be changed by its owner
// at the next sign-in, before anything else: /auth/me says so (must_change_password), pages go to
// /password/change, the API answers 403; sign-out and the change itself still work.
import { afterEach, describe, expect, test } from "bun:test";
import { cookieFrom, createTestApp, type TestApp } from "../helpers/app";
import { readAuthRecords } from "../../src/modules/accounts/auth-records";
import type { Me, User } from "../../src/shared/contract";

const EMAIL = "told@example.com";
const GIVEN = "given-by-admin-1";
let t: TestApp;

afterEach(async () => {
  await t.close();
});

async function adminCreates(extra: Record<string, unknown> = {}): Promise<User> {
  const admin = await t.login();
  const res = await t.api("POST", "/api/users", { token: admin, body: { email: EMAIL, password: GIVEN, ...extra } });
  expect(res.status).toBe(201);
  return (await res.json()) as User;
}

async function me(token: string): Promise<Me> {
  return (await (await t.api("GET", "/auth/me", { token })).json()) as Me;
}

describe("after an admin set the password", () => {
  test("the API refuses everything but /auth/me until the change", async () => {
    t = await createTestApp();
    await adminCreates();
    const session = await t.login(EMAIL, GIVEN);
    expect(await me(session)).toMatchObject({ email: EMAIL, must_change_password: true });
    const refused = await t.api("GET", "/auth/tokens", { token: session });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toContain("must be changed before anything else");
    expect((await t.api("POST", "/auth/tokens", { token: session, body: { name: "sneaky" } })).status).toBe(403);
    expect((await t.api("GET", "/api/datasets", { token: session })).status).toBe(403);
  });

  test("pages go to /password/change; the admin's password is refused; a new one lifts it and ends other sessions", async () => {
    t = await createTestApp();
    await adminCreates();
    const other = await t.login(EMAIL, GIVEN);
    const browser = await t.browser(EMAIL, GIVEN);
    for (const path of ["/dashboard", "/profile", "/data"]) {
      const res = await browser.get(path);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/password/change");
    }
    const form = await browser.get("/password/change");
    expect(form.status).toBe(200);
    expect(await form.text()).toContain("Choose your own password");
    const same = await browser.post("/password/change", { new_password: GIVEN, new_password_confirm: GIVEN });
    expect(same.status).toBe(400);
    expect(await same.text()).toContain("other than the one the administrator set");
    const differ = await browser.post("/password/change", { new_password: "mine-alone-1", new_password_confirm: "mine-alone-2" });
    expect(differ.status).toBe(400);
    const landed = await browser.submit("/password/change", { new_password: "mine-alone-1", new_password_confirm: "mine-alone-1" });
    expect(landed).toContain("Password changed");
    expect((await browser.get("/profile")).status).toBe(200);
    expect((await t.api("GET", "/auth/me", { token: other })).status).toBe(401);
    expect(await me(browser.token)).toMatchObject({ must_change_password: false });
    expect((await t.api("POST", "/auth/token", { body: { email: EMAIL, password: "mine-alone-1" } })).status).toBe(200);
  });

  test("sign-out works while the change is pending; a CSRF-less change is refused", async () => {
    t = await createTestApp();
    await adminCreates();
    const browser = await t.browser(EMAIL, GIVEN);
    const noCsrf = await browser.post("/password/change", { _csrf: "", new_password: "mine-alone-1", new_password_confirm: "mine-alone-1" });
    expect(noCsrf.status).toBe(403);
    const out = await browser.post("/logout", {});
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/login");
    expect((await t.api("GET", "/auth/me", { token: browser.token })).status).toBe(401);
  });

  test("set-password marks it too, survives a restart of the state, and a reset link lifts it", async () => {
    t = await createTestApp();
    const user = await adminCreates({ must_change_password: false });
    expect(await me(await t.login(EMAIL, GIVEN))).toMatchObject({ must_change_password: false });
    const admin = await t.login();
    expect((await t.api("POST", `/api/users/${user.id}/set-password`, { token: admin, body: { password: "second-given-1" } })).status).toBe(204);
    expect(await me(await t.login(EMAIL, "second-given-1"))).toMatchObject({ must_change_password: true });
    expect((await readAuthRecords(t.ctx.db, t.clock.now())).mustChangePassword).toEqual([user.id]);
    const link = (await (await t.api("POST", `/api/users/${user.id}/reset-password`, { token: admin })).json()) as { reset_token: string };
    const form = new URLSearchParams({ token: link.reset_token, password: "chosen-by-me-1", password_confirm: "chosen-by-me-1" });
    const reset = await t.handle("/auth/password/reset", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form });
    expect(reset.status).toBe(303);
    expect(await me(await t.login(EMAIL, "chosen-by-me-1"))).toMatchObject({ must_change_password: false });
  });

  test("an admin setting their own password is not made to change it; a PAT made before keeps working", async () => {
    t = await createTestApp();
    const user = await adminCreates({ must_change_password: false });
    const session = await t.login(EMAIL, GIVEN);
    const pat = (await (await t.api("POST", "/auth/tokens", { token: session, body: { name: "ci" } })).json()) as { token: string };
    const admin = await t.login();
    const adminId = (await me(admin)).id;
    expect((await t.api("POST", `/api/users/${adminId}/set-password`, { token: admin, body: { password: "admin-new-pass-1" } })).status).toBe(204);
    expect(await me(await t.login(undefined, "admin-new-pass-1"))).toMatchObject({ must_change_password: false });
    const admin2 = await t.login(undefined, "admin-new-pass-1");
    expect((await t.api("POST", `/api/users/${user.id}/set-password`, { token: admin2, body: { password: "second-given-1" } })).status).toBe(204);
    expect((await t.api("GET", "/api/datasets", { token: pat.token })).status).toBe(200);
    expect(await me(pat.token)).toMatchObject({ must_change_password: true, auth: "pat" });
  });

  test("the users page's set-password form marks it too", async () => {
    t = await createTestApp();
    const user = await adminCreates({ must_change_password: false });
    const browser = await t.browser();
    await browser.submit(`/admin/users/${user.id}/password`, { password: "from-the-page-1", back: "/admin/users" });
    const signIn = await t.handle("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: EMAIL, password: "from-the-page-1" }),
    });
    const cookie = cookieFrom(signIn, "access_token")!;
    expect(await me(cookie)).toMatchObject({ must_change_password: true });
  });
});
