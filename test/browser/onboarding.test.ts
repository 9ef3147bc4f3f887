// Onboarding in headless Chromium, with the server's emails going to a real SMTP server inside the
// test: an invitation accepted from the email's link, "forgot password" from the email's link, and
// the forced change after an admin set someone's password.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { launchBrowser, signIn } from "../helpers/browser";
import { freePort } from "../helpers/ports";
import { startServer, type RunningServer } from "../helpers/server";
import { linkIn, startSmtpServer, type TestSmtpServer } from "../helpers/smtp-server";

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };

let server: RunningServer;
let smtp: TestSmtpServer;
let browser: Browser;
beforeAll(async () => {
  smtp = await startSmtpServer();
  const port = freePort();
  // Emailed links are built from PUBLIC_URL only: point it at where this server listens.
  const env = {
    AGNES_ADMIN_EMAIL: ADMIN.email,
    AGNES_ADMIN_PASSWORD: ADMIN.password,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SMTP_URL: smtp.url,
  };
  [server, browser] = await Promise.all([startServer({ env }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
});

async function adminApi(method: string, path: string, body?: unknown): Promise<Response> {
  const json = { "content-type": "application/json" };
  const login = await fetch(`${server.url}/auth/token`, { method: "POST", headers: json, body: JSON.stringify(ADMIN) });
  const auth = { ...json, authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` };
  return fetch(`${server.url}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function mailTo(email: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mail = smtp.messages.find((m) => m.envelopeTo.includes(email));
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`no email to ${email}`);
    await Bun.sleep(50);
  }
}

test("an invitation accepted from the email's link: name and password chosen, signed in, the link spent", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, ADMIN.email, ADMIN.password, "/admin/users");
  await page.click("details.invitations > summary");
  await page.fill('form[action="/admin/users/invitations"] input[name="email"]', "ines@example.com");
  await page.selectOption('form[action="/admin/users/invitations"] select[name="role"]', "viewer");
  await page.click('form[action="/admin/users/invitations"] button[type="submit"]');
  expect(await page.locator(".flash").textContent()).toContain("Invited ines@example.com and emailed them the link.");
  expect(await page.locator("tr[data-invitation-id] td").first().textContent()).toBe("ines@example.com");
  await context.close();

  const link = linkIn(await mailTo("ines@example.com"), "/invite/");
  const invitee = await browser.newContext();
  const tab = await invitee.newPage();
  await tab.goto(link);
  expect(await tab.locator("main").textContent()).toContain("ines@example.com");
  await tab.fill('input[name="name"]', "Inès <script>alert(1)</script>");
  await tab.fill('input[name="password"]', "ines-own-pass-1");
  await tab.fill('input[name="password_confirm"]', "ines-own-pass-1");
  await tab.click('button[type="submit"]');
  await tab.waitForURL(`${server.url}/dashboard`);
  expect(await tab.locator(".flash").textContent()).toContain("Your account is ready");
  const again = await tab.goto(link);
  expect(again?.status()).toBe(410);
  await invitee.close();
});

test("forgot password from the email's link", async () => {
  await adminApi("POST", "/api/users", { email: "fern@example.com", password: "fern-old-pass-1", must_change_password: false });
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.click('a[href="/forgot"]');
  await page.fill('input[name="email"]', "fern@example.com");
  await page.click('button[type="submit"]');
  expect(await page.locator(".forgot-answer").textContent()).toContain("If an active account uses that address");
  const link = linkIn(await mailTo("fern@example.com"), "/auth/password/reset?token=");
  await page.goto(link);
  await page.fill('input[name="password"]', "fern-new-pass-1");
  await page.fill('input[name="password_confirm"]', "fern-new-pass-1");
  await page.click('button[type="submit"]');
  await page.waitForURL(`${server.url}/login`);
  await signIn(page, server.url, "fern@example.com", "fern-new-pass-1");
  await context.close();
});

test("after an admin set the password, the first sign-in must change it before anything else", async () => {
  await adminApi("POST", "/api/users", { email: "gus@example.com", password: "given-by-admin-1" });
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.fill('input[name="email"]', "gus@example.com");
  await page.fill('input[name="password"]', "given-by-admin-1");
  await page.click('button[type="submit"]');
  await page.waitForURL(`${server.url}/password/change`);
  await page.goto(`${server.url}/profile`);
  expect(page.url()).toBe(`${server.url}/password/change`);
  await page.fill('input[name="new_password"]', "gus-own-pass-1");
  await page.fill('input[name="new_password_confirm"]', "gus-own-pass-1");
  await page.click('form[action="/password/change"] button[type="submit"]');
  await page.waitForURL(`${server.url}/dashboard`);
  await page.goto(`${server.url}/profile`);
  expect(page.url()).toBe(`${server.url}/profile`);
  await context.close();
});
