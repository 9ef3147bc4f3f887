// The page behind a reset link, in headless Chromium: typing two different passwords shows an error
// and keeps the form; a link that was used already shows a page that says to ask an admin.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../helpers/browser";
import { startServer, type RunningServer } from "../helpers/server";

// argon2 (~80 ms a hash, several times that on a busy 2-core runner) makes some tests take seconds.

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };

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

async function resetLinkFor(email: string): Promise<string> {
  const json = { "content-type": "application/json" };
  const login = await fetch(`${server.url}/auth/token`, { method: "POST", headers: json, body: JSON.stringify(ADMIN) });
  const auth = { ...json, authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` };
  const created = await fetch(`${server.url}/api/users`, { method: "POST", headers: auth, body: JSON.stringify({ email }) });
  const { id } = (await created.json()) as { id: string };
  const link = await fetch(`${server.url}/api/users/${id}/reset-password`, { method: "POST", headers: auth });
  return ((await link.json()) as { reset_url: string }).reset_url;
}

test("mismatched passwords keep the form with an error; a used link says to ask an admin", async () => {
  const link = await resetLinkFor("dora@example.com");
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  expect(await page.locator("main").textContent()).toContain("dora@example.com");
  await page.fill('input[name="password"]', "first-try-pass");
  await page.fill('input[name="password_confirm"]', "first-try-typo");
  await page.click('button[type="submit"]');
  expect(await page.locator(".flash-error").textContent()).toBe("The two passwords differ.");
  await page.fill('input[name="password"]', "second-try-pass");
  await page.fill('input[name="password_confirm"]', "second-try-pass");
  await page.click('button[type="submit"]');
  await page.waitForURL(`${server.url}/login`);

  const again = await page.goto(link);
  expect(again?.status()).toBe(410);
  expect(await page.locator("h1").textContent()).toBe("This reset link cannot be used");
  expect(await page.locator("main").textContent()).toContain("Ask an administrator for a new link.");
  expect(await page.locator('input[name="password"]').count()).toBe(0);
  await context.close();
});
