// /admin/users in headless Chromium against the real server: an admin adds a user, opens their
// page, changes their role, deactivates and reactivates them, hands out a reset link that the user
// opens in a fresh browser to set a password and sign in, then deletes them — every risky step
// through its confirmation page, with no script dialog. Markup in names stays
// text; an analyst gets the 403 page.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, signIn } from "../helpers/browser";
import { startServer, type RunningServer } from "../helpers/server";

// argon2 (~80 ms a hash, several times that on a busy 2-core runner) makes some tests take seconds.

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const XSS = "<img src=x onerror=alert(1)>";

let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  server = await startServer({ env: { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A new page in `context`, signed in. */
async function signedInPage(context: BrowserContext, email: string, password: string): Promise<Page> {
  const page = await context.newPage();
  await signIn(page, server.url, email, password);
  return page;
}

/** Creates a user through the API as the admin (for set-up that is not what the test is about). */
async function apiCreateUser(body: Record<string, string | boolean>): Promise<void> {
  const login = await fetch(`${server.url}/auth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
  const { access_token } = (await login.json()) as { access_token: string };
  const res = await fetch(`${server.url}/api/users`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${access_token}` },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
}

const flash = (page: Page) => page.locator(".flash").first().textContent();

test("admin: add, then on the person's page change role, deactivate, reactivate, reset link used in a fresh browser, delete — each risky step confirmed", async () => {
  const adminContext = await browser.newContext();
  const page = await signedInPage(adminContext, ADMIN.email, ADMIN.password);
  let dialogs = 0;
  page.on("dialog", (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await page.click('nav.nav a:has-text("Users")');
  await page.waitForURL(`${server.url}/admin/users`);

  await page.click("details.add-user summary");
  await page.fill('details.add-user input[name="email"]', "Carol@Example.com");
  await page.fill('details.add-user input[name="name"]', "Carol Jones");
  await page.selectOption('details.add-user select[name="role"]', "viewer");
  await page.click('details.add-user button:has-text("Add user")');
  expect(await flash(page)).toContain("Added carol@example.com as viewer.");
  const row = page.locator("table.users tbody tr", { hasText: "carol@example.com" });
  expect(await row.locator(".badge").first().textContent()).toBe("viewer");
  await row.locator('a:has-text("Manage")').click();
  await page.waitForURL(/\/admin\/users\/[0-9a-f-]+$/);
  const person = page.url();

  await page.selectOption('select[name="role"]', "km_admin");
  await page.click('button:has-text("Change role")');
  await page.waitForURL(/\/role\/confirm\?role=km_admin$/);
  expect(await page.locator("h1").textContent()).toBe("Change the role of Carol Jones <carol@example.com>?");
  await page.click('button:has-text("Make them km_admin")');
  await page.waitForURL(person);
  expect(await flash(page)).toContain("carol@example.com is now km_admin.");

  await page.click('#danger a:has-text("Deactivate")');
  await page.waitForURL(/\/deactivate\/confirm$/);
  await page.click('button:has-text("Deactivate")');
  await page.waitForURL(person);
  expect(await flash(page)).toContain("Deactivated carol@example.com");
  expect(await page.locator(".badge.off").textContent()).toBe("deactivated");
  await page.click('button:has-text("Activate")');
  expect(await flash(page)).toContain("Activated carol@example.com.");

  await page.click('a:has-text("Create a reset link")');
  await page.waitForURL(/\/reset-link\/confirm$/);
  await page.click('button:has-text("Create the link")');
  await page.waitForURL(person);
  const link = (await page.locator(".reveal code.reset-link").textContent())!;
  expect(link).toStartWith(`${server.url}/auth/password/reset?token=`);
  expect(await page.locator(".reveal button[data-copy]").getAttribute("data-copy")).toBe(link);

  const userContext = await browser.newContext();
  const userPage = await userContext.newPage();
  await userPage.goto(link);
  expect(await userPage.locator("h1").textContent()).toBe("Set a new password");
  await userPage.fill('input[name="password"]', "carols-new-password");
  await userPage.fill('input[name="password_confirm"]', "carols-new-password");
  await userPage.click('button[type="submit"]');
  await userPage.waitForURL(`${server.url}/login`);
  await userPage.fill('input[name="email"]', "carol@example.com");
  await userPage.fill('input[name="password"]', "carols-new-password");
  await userPage.click('button[type="submit"]');
  await userPage.waitForURL(`${server.url}/dashboard`);
  expect(await userPage.locator("h1").textContent()).toContain("Carol Jones");
  await userContext.close();

  await page.reload();
  expect(await page.locator(".reveal").count()).toBe(0);
  expect(await page.locator("#activity").textContent()).toContain("Carol Jones reset their password with a link");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: "/tmp/agnes-person-page.png", fullPage: true });
  await page.click('#danger a:has-text("Delete")');
  await page.waitForURL(/\/admin\/users\/[^/]+\/delete$/);
  expect(await page.locator("h1").textContent()).toBe("Delete Carol Jones <carol@example.com>?");
  await page.click('button:has-text("Delete")');
  await page.waitForURL(`${server.url}/admin/users`);
  expect(await flash(page)).toContain("Deleted carol@example.com.");
  expect(await page.locator("table.users tbody tr", { hasText: "carol@example.com" }).count()).toBe(0);
  expect(dialogs).toBe(0);
  await adminContext.close();
});

test("admin: your own page refuses the last admin's demotion before asking, and has no deactivate or delete", async () => {
  const context = await browser.newContext();
  const page = await signedInPage(context, ADMIN.email, ADMIN.password);
  await page.goto(`${server.url}/admin/users?q=admin@example.com`);
  const own = page.locator("table.users tbody tr", { hasText: ADMIN.email });
  expect(await own.locator(".badge", { hasText: "you" }).count()).toBe(1);
  await own.locator('a:has-text("Manage")').click();
  await page.waitForURL(/\/admin\/users\/[0-9a-f-]+$/);
  expect(await page.locator('#danger a:has-text("Deactivate"), #danger a:has-text("Delete")').count()).toBe(0);
  await page.selectOption('select[name="role"]', "viewer");
  await page.click('button:has-text("Change role")');
  expect(await page.locator(".flash-error").textContent()).toContain("Cannot demote the last active admin");
  expect(await page.locator('button:has-text("Make them")').count()).toBe(0);
  await context.close();
});

test("a user named like markup appears as text, and no element is created", async () => {
  await apiCreateUser({ email: "markup@example.com", name: XSS, role: "viewer" });
  const context = await browser.newContext();
  const page = await signedInPage(context, ADMIN.email, ADMIN.password);
  let dialogs = 0;
  page.on("dialog", (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await page.goto(`${server.url}/admin/users`);
  const row = page.locator("table.users tbody tr", { hasText: "markup@example.com" });
  expect(await row.locator("td").first().locator("a").first().textContent()).toBe(XSS);
  expect(await row.getByText(XSS, { exact: true }).isVisible()).toBe(true);
  expect(await page.locator("main img").count()).toBe(0);
  await page.goto(`${server.url}/admin/audit?action=user.create`);
  expect(await page.locator("main img").count()).toBe(0);
  expect(await page.locator("ul.audit-list").textContent()).toContain(XSS);
  expect(dialogs).toBe(0);

  await page.goto(`${server.url}/admin/users`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: "/tmp/agnes-admin-users.png", fullPage: true });
  await context.close();
});

test("an analyst opening /admin/users gets the 403 page", async () => {
  await apiCreateUser({ email: "analyst@example.com", password: "analyst-password-1", role: "analyst", must_change_password: false });
  const context = await browser.newContext();
  const page = await signedInPage(context, "analyst@example.com", "analyst-password-1");
  expect(await page.locator('nav.nav a:has-text("Users")').count()).toBe(0);
  const res = await page.goto(`${server.url}/admin/users`);
  expect(res?.status()).toBe(403);
  expect(await page.locator("h1").textContent()).toContain("403");
  expect(await page.locator("main").textContent()).toContain("needs the admin role");
  expect(new URL(page.url()).pathname).toBe("/admin/users");
  await context.close();
});
