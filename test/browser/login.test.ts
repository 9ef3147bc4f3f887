// Sign in through /login?next=/dashboard, land on the dashboard, sign out, and be sent back to
// /login when opening /dashboard again.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../helpers/browser";
import { startServer, type RunningServer } from "../helpers/server";

let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  server = await startServer({ env: { AGNES_ADMIN_EMAIL: "admin@example.com", AGNES_ADMIN_PASSWORD: "admin-password-1" } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test("sign in, see the dashboard, sign out, and be sent to /login again", async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/dashboard`);
  expect(new URL(page.url()).pathname).toBe("/login");
  expect(new URL(page.url()).searchParams.get("next")).toBe("/dashboard");

  await page.fill('input[name="email"]', "admin@example.com");
  await page.fill('input[name="password"]', "wrong-password");
  await page.click('button[type="submit"]');
  await expect(page.locator(".flash-error").textContent()).resolves.toContain("Incorrect email or password");

  await page.fill('input[name="password"]', "admin-password-1");
  await page.click('button[type="submit"]');
  await page.waitForURL(`${server.url}/dashboard`);
  expect(await page.locator("h1").textContent()).toContain("admin@example.com");
  for (const link of ["Users", "Tokens", "Profile", "Install CLI"]) {
    expect(await page.locator("nav.nav a", { hasText: link }).count()).toBe(1);
  }
  await page.screenshot({ path: "/tmp/agnes-dashboard.png" });

  await page.click('nav.nav button:has-text("Sign out")');
  await page.waitForURL(/\/login$/);
  await page.goto(`${server.url}/dashboard`);
  expect(new URL(page.url()).pathname).toBe("/login");
  await page.close();
});

test("an analyst's navigation shows no admin links, and /setup is 404 once a user exists", async () => {
  const page = await browser.newPage();
  const res = await page.goto(`${server.url}/setup`);
  expect(res?.status()).toBe(404);
  expect(await page.textContent("h1")).toContain("404");
  await page.close();
});
