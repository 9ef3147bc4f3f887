// Sign in through /login?next=/dashboard, land on the dashboard, sign out, and be sent back to
// /login when opening /dashboard again. The navigation and dashboard tiles follow the role.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../helpers/browser";
import { startServer, type RunningServer } from "../helpers/server";

const ADMIN_NAV = [
  ["Dashboard", "/dashboard"],
  ["Data", "/data"],
  ["Users", "/admin/users"],
  ["Groups", "/admin/groups"],
  ["Tokens", "/admin/tokens"],
  ["Audit", "/admin/audit"],
  ["Datasets", "/admin/datasets"],
  ["Profile", "/profile"],
  ["Install CLI", "/install"],
] as const;
const ANALYST_EMAIL = "analyst@example.com";
const ANALYST_PASSWORD = "analyst-password-1";

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
  for (const [text, href] of ADMIN_NAV) {
    expect(await page.locator(`nav.nav a[href="${href}"]`, { hasText: text }).count()).toBe(1);
  }
  expect(await page.locator('nav.nav a[aria-current="page"]').allTextContents()).toEqual(["Dashboard"]);
  await page.goto(`${server.url}/admin/users`);
  expect(await page.locator('nav.nav a[aria-current="page"]').allTextContents()).toEqual(["Users"]);
  await page.goto(`${server.url}/dashboard`);

  await page.click('nav.nav button:has-text("Sign out")');
  await page.waitForURL(/\/login$/);
  await page.goto(`${server.url}/dashboard`);
  expect(new URL(page.url()).pathname).toBe("/login");
  await page.close();
});

test("an analyst's navigation shows no admin links, and /setup is 404 once a user exists", async () => {
  await createAnalyst();
  const page = await browser.newPage();
  const res = await page.goto(`${server.url}/setup`);
  expect(res?.status()).toBe(404);
  expect(await page.textContent("h1")).toContain("404");

  await page.goto(`${server.url}/login?next=/dashboard`);
  await page.fill('input[name="email"]', ANALYST_EMAIL);
  await page.fill('input[name="password"]', ANALYST_PASSWORD);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${server.url}/dashboard`);
  expect(await page.locator("h1").textContent()).toContain(ANALYST_EMAIL);
  for (const [text, href] of [
    ["Dashboard", "/dashboard"],
    ["Data", "/data"],
    ["Profile", "/profile"],
    ["Install CLI", "/install"],
  ] as const) {
    expect(await page.locator(`nav.nav a[href="${href}"]`, { hasText: text }).count()).toBe(1);
  }
  for (const [text, href] of ADMIN_NAV.filter(([, href]) => href.startsWith("/admin/"))) {
    expect(await page.locator(`a[href="${href}"]`).count()).toBe(0);
    expect(await page.locator("nav.nav a", { hasText: text }).count()).toBe(0);
  }
  // The dashboard tiles: the analyst's own three, none of the admin ones.
  expect(await page.locator(".tiles a.tile").evaluateAll((tiles) => tiles.map((a) => a.getAttribute("href")))).toEqual(["/data", "/profile", "/install"]);
  expect(await page.locator('.tiles a[href^="/admin/"]').count()).toBe(0);
  await page.close();
});

/** The analyst is created over the HTTP API with the admin's session bearer, as the CLI would. */
async function createAnalyst(): Promise<void> {
  const json = { "content-type": "application/json", accept: "application/json" };
  const login = await fetch(`${server.url}/auth/token`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ email: "admin@example.com", password: "admin-password-1" }),
  });
  expect(login.status).toBe(200);
  const { access_token } = (await login.json()) as { access_token: string };
  const created = await fetch(`${server.url}/api/users`, {
    method: "POST",
    headers: { ...json, authorization: `Bearer ${access_token}` },
    body: JSON.stringify({ email: ANALYST_EMAIL, password: ANALYST_PASSWORD, role: "analyst", name: "", must_change_password: false }),
  });
  expect(created.status).toBe(201);
}
