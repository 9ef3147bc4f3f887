// The token life cycle in a real browser: create on /profile, see it once, reload → gone, revoke it
// through the confirmation page, and the token is refused from then on.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { launchBrowser, signIn } from "../helpers/browser";
import { startServer, type RunningServer } from "../helpers/server";

// Each test hashes passwords (argon2id, ~80 ms each) and opens DuckDB; a busy machine needs headroom.

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

const whoami = (token: string) => fetch(`${server.url}/auth/me`, { headers: { authorization: `Bearer ${token}` } });

test("create a token, see it once, reload → gone, revoke it, and it is refused", async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await signIn(page, server.url, "admin@example.com", "admin-password-1", "/profile");
  expect(await page.locator("#me h1").textContent()).toContain("admin@example.com");
  expect(await page.locator(".reveal").count()).toBe(0);

  await page.fill('#tokens input[name="name"]', "browser-test");
  await page.selectOption('#tokens select[name="expires_in_days"]', "30");
  await page.click('#tokens button[type="submit"]');
  await page.waitForSelector(".reveal");
  expect(new URL(page.url()).pathname).toBe("/profile");
  const token = (await page.locator(".reveal code.token-value").textContent())!.trim();
  expect(token).toMatch(/^agnes_pat_[0-9A-Za-z]{38}$/);
  expect(await page.locator(".reveal").textContent()).toContain("you will not see it again");
  expect(await page.locator(".reveal button[data-copy]").getAttribute("data-copy")).toBe(token);
  expect(page.url()).not.toContain(token);
  expect((await page.context().cookies()).map((c) => c.value).join(" ")).not.toContain(token);
  await page.screenshot({ path: "/tmp/agnes-profile-reveal.png", fullPage: true });
  expect((await whoami(token)).status).toBe(200);

  await page.reload();
  expect(await page.locator(".reveal").count()).toBe(0);
  expect(await page.content()).not.toContain(token);
  expect(await page.locator("#tokens tbody tr", { hasText: "browser-test" }).count()).toBe(1);
  await page.goto(`${server.url}/dashboard`);
  await page.goBack();
  expect(await page.content()).not.toContain(token);
  await page.screenshot({ path: "/tmp/agnes-profile.png", fullPage: true });

  await page.click('#tokens tr:has-text("browser-test") a:has-text("Revoke")');
  await page.waitForURL(/\/profile\/tokens\/[0-9a-f]+\/revoke$/);
  expect(await page.locator("main").textContent()).toContain("browser-test");
  await page.click('button:has-text("Revoke token")');
  await page.waitForURL(/\/profile#tokens$/);
  expect(await page.locator(".flash-ok").textContent()).toContain("revoked");
  expect(await page.locator('#tokens tr:has-text("browser-test") .badge').textContent()).toBe("revoked");
  expect((await whoami(token)).status).toBe(401);
  await page.close();
});

test("the admin sees every token on /admin/tokens", async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await signIn(page, server.url, "admin@example.com", "admin-password-1", "/profile");
  await page.fill('#tokens input[name="name"]', "admin-visible");
  await page.click('#tokens button[type="submit"]');
  await page.waitForSelector(".reveal");
  await page.goto(`${server.url}/admin/tokens?state=active`);
  expect(await page.locator("tbody tr", { hasText: "admin-visible" }).count()).toBe(1);
  expect(await page.locator("tbody tr", { hasText: "browser-test" }).count()).toBe(0);
  await page.screenshot({ path: "/tmp/agnes-admin-tokens.png", fullPage: true });
  await page.close();
});
