// PASSWORD_LOGIN=off removes every password path (form, POST /login, POST /auth/token, reset links,
// passwords set by an admin, password changes)
// while SSO sessions and personal access tokens keep working. GET /auth/providers lists the ways in.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, cookieFrom } from "../helpers/app";
import { signInAs, ssoFixture, type SsoFixture } from "./harness";

let on: SsoFixture;
let off: SsoFixture;
beforeAll(async () => {
  on = await ssoFixture(["acme"]);
  off = await ssoFixture(["acme", "okta-eu"], { PASSWORD_LOGIN: "off", OIDC_OKTA_EU_LABEL: "Okta (EU)", OIDC_ACME_LINK_DOMAINS: "example.com" });
  off.providers.acme!.accounts.set("sub-admin", { email: ADMIN_EMAIL.toUpperCase(), email_verified: true });
});
afterAll(async () => {
  await on?.stop();
  await off?.stop();
});

test("GET /auth/providers lists password (when on) and every provider, publicly", async () => {
  expect(await (await on.t.api("GET", "/auth/providers")).json()).toEqual([
    { id: "password", type: "password" },
    { id: "acme", type: "oidc", label: "Acme" },
  ]);
  expect(await (await off.t.api("GET", "/auth/providers")).json()).toEqual([
    { id: "acme", type: "oidc", label: "Acme" },
    { id: "okta-eu", type: "oidc", label: "Okta (EU)" },
  ]);
});

test("the login page shows one button per provider, and the password form only when password sign-in is on", async () => {
  const withPassword = await (await on.t.handle("/login?next=/admin/users", { headers: { accept: "text/html" } })).text();
  expect(withPassword).toContain('href="/auth/oidc/acme/start?next=%2Fadmin%2Fusers"');
  expect(withPassword).toContain("Sign in with Acme");
  expect(withPassword).toContain('name="password"');
  const html = await (await off.t.handle("/login", { headers: { accept: "text/html" } })).text();
  expect(html).toContain("Sign in with Acme");
  expect(html).toContain("Sign in with Okta (EU)");
  expect(html).not.toContain('name="password"');
  expect(html).not.toContain('<form method="post" action="/login');
});

test("with PASSWORD_LOGIN=off every password path is refused, even with the right password", async () => {
  const token = await off.t.api("POST", "/auth/token", { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  expect(token.status).toBe(403);
  expect(((await token.json()) as { detail: string }).detail).toContain("Password sign-in is turned off");
  const form = await off.t.handle("/login", {
    method: "POST",
    headers: { accept: "text/html", "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  expect(form.status).toBe(403);
  expect(cookieFrom(form, "access_token")).toBeNull();
  expect(await form.text()).toContain("Password sign-in is turned off");
  expect((await off.t.handle("/auth/password/reset?token=x", { headers: { accept: "text/html" } })).status).toBe(404);
  const audit = await off.t.ctx.db.query("SELECT id FROM audit_log WHERE action IN ('auth.login', 'auth.login_failed')");
  expect(audit).toEqual([]);
});

test("with PASSWORD_LOGIN=off the admin signs in through the provider, and personal access tokens keep working", async () => {
  const res = await signInAs(off.t, "acme", "sub-admin");
  expect(res.status).toBe(303);
  const session = cookieFrom(res, "access_token")!;
  // No password can be set, reset or changed either: nobody could sign in with it.
  const created = await off.t.api("POST", "/api/users", { token: session, body: { email: "someone@example.com", password: "password-123" } });
  expect(created.status).toBe(403);
  const invited = await off.t.api("POST", "/api/users", { token: session, body: { email: "someone@example.com" } });
  expect(invited.status).toBe(201);
  const userId = ((await invited.json()) as { id: string }).id;
  for (const path of [`/api/users/${userId}/reset-password`, `/api/users/${userId}/set-password`]) {
    const res = await off.t.api("POST", path, { token: session, body: path.endsWith("set-password") ? { password: "password-123" } : undefined });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toContain("Password sign-in is turned off");
  }
  const madeToken = await off.t.api("POST", "/auth/tokens", { token: session, body: { name: "ci" } });
  expect(madeToken.status).toBe(201);
  const { token } = (await madeToken.json()) as { token: string };
  const me = await off.t.api("GET", "/auth/me", { token });
  expect(await me.json()).toMatchObject({ email: ADMIN_EMAIL, role: "admin", auth: "pat" });
});
