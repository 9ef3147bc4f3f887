// Single sign-on in Chromium against the real server and a real OpenID Provider (oidc-provider on
// loopback): the button on /login, the provider's own sign-in and consent pages, the redirect back,
// and /dashboard with the role the groups give. PASSWORD_LOGIN=off, so the first admin (from
// AGNES_ADMIN_EMAIL) gets in through the provider by verified email.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../helpers/browser";
import { freePort } from "../helpers/ports";
import { startServer, type RunningServer } from "../helpers/server";
import { startTestProvider, type TestProvider } from "../sso/test-provider";

let server: RunningServer;
let provider: TestProvider;
let browser: Browser;

beforeAll(async () => {
  // PUBLIC_URL must be known before the server starts: take a free loopback port first.
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  provider = await startTestProvider({ redirectUris: [`${url}/auth/oidc/corp/callback`] });
  provider.accounts.set("sub-root", { email: "Root@Corp.example", email_verified: true, groups: ["agnes-admins"] });
  provider.accounts.set("sub-ana", { email: "ana@corp.example", email_verified: true, groups: ["data"] });
  provider.accounts.set("sub-eve", { email: "eve@elsewhere.example", email_verified: true, groups: ["data"] });
  server = await startServer({
    env: {
      PORT: String(port),
      PUBLIC_URL: url,
      PASSWORD_LOGIN: "off",
      AGNES_ADMIN_EMAIL: "root@corp.example",
      AGNES_ADMIN_PASSWORD: "unused-password-1",
      OIDC_PROVIDERS: "corp",
      ...provider.env("corp"),
      OIDC_CORP_LABEL: "Corp SSO",
      OIDC_CORP_ALLOWED_DOMAINS: "corp.example",
      OIDC_CORP_ADMIN_GROUPS: "agnes-admins",
      OIDC_CORP_ANALYST_GROUPS: "data",
    },
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await provider?.stop();
});

/** From /login: the button, then the provider's sign-in and consent pages as they come, back to Agnes. */
async function signInThroughProvider(page: Page, login: string): Promise<void> {
  await page.click("text=Sign in with Corp SSO");
  for (let step = 0; step < 6; step++) {
    await page.waitForLoadState("load");
    const here = page.url();
    if (!here.startsWith(provider.issuer)) return;
    if (await page.locator('input[name="login"]').count()) {
      await page.fill('input[name="login"]', login);
      await page.fill('input[name="password"]', "any password");
    }
    await Promise.all([page.waitForURL((url) => url.href !== here, { timeout: 10_000 }), page.click('button[type="submit"]')]);
  }
  throw new Error(`still at the provider: ${page.url()}`);
}

test("the first admin and a new analyst sign in through the provider and land on /dashboard with their roles", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/admin/users`);
  expect(new URL(page.url()).pathname).toBe("/login");
  expect(await page.locator('input[name="password"]').count()).toBe(0);
  await signInThroughProvider(page, "sub-root");
  await page.waitForURL(`${server.url}/admin/users`);
  expect(server.logs()).toContain(`"redirect_uri":"${server.url}/auth/oidc/corp/callback"`);
  // The person's page (Manage) says who manages the role and how they sign in.
  await page.locator("tr", { hasText: "root@corp.example" }).locator('a:has-text("Manage")').click();
  await page.waitForURL(/\/admin\/users\/[0-9a-f-]+$/);
  expect(await page.locator(".role-managed").textContent()).toBe("Role managed by Corp SSO");
  expect(await page.locator("span.sign-in").textContent()).toContain("Corp SSO");
  await context.close();

  const other = await browser.newContext();
  const analyst = await other.newPage();
  await analyst.goto(`${server.url}/login?next=/dashboard`);
  await signInThroughProvider(analyst, "sub-ana");
  await analyst.waitForURL(`${server.url}/dashboard`);
  expect(await analyst.locator("h1").textContent()).toContain("ana@corp.example");
  expect(await analyst.locator('nav.nav a[href="/admin/users"]').count()).toBe(0);

  // The provider moves Ana to the admins group: the next sign-in makes her an admin.
  provider.accounts.set("sub-ana", { email: "ana@corp.example", email_verified: true, groups: ["agnes-admins"] });
  await analyst.click('nav.nav button:has-text("Sign out")');
  await analyst.waitForURL(/\/login$/);
  await signInThroughProvider(analyst, "sub-ana");
  await analyst.waitForURL(`${server.url}/dashboard`);
  expect(await analyst.locator('nav.nav a[href="/admin/users"]').count()).toBe(1);
  await other.close();
});

test("someone outside the allowed domains ends on a readable page with a way back", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await signInThroughProvider(page, "sub-eve");
  expect(await page.locator("h1").textContent()).toBe("Not signed in");
  expect(await page.locator("main").textContent()).toContain("There is no Agnes account for eve@elsewhere.example");
  await page.click("text=Back to sign-in");
  expect(new URL(page.url()).pathname).toBe("/login");
  await context.close();
});

test("an admin links a person's refused identity with the users page's button; the person then gets in", async () => {
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await admin.goto(`${server.url}/login?next=/admin/users`);
  await signInThroughProvider(admin, "sub-root");
  await admin.waitForURL(`${server.url}/admin/users`);
  await admin.click("summary:has-text('Add user')");
  await admin.fill('form[action="/admin/users"] input[name="email"]', "eve@elsewhere.example");
  await admin.click('form[action="/admin/users"] button:has-text("Add user")');
  await admin.waitForSelector("text=Added eve@elsewhere.example");

  const eveContext = await browser.newContext();
  const eve = await eveContext.newPage();
  await eve.goto(`${server.url}/login`);
  await signInThroughProvider(eve, "sub-eve");
  expect(await eve.locator("main").textContent()).toContain("Corp SSO is not trusted to sign in to accounts of elsewhere.example");
  expect(await eve.locator(".linkable-identity code").textContent()).toBe("sub-eve");

  await admin.locator("tr", { hasText: "eve@elsewhere.example" }).locator('a:has-text("Manage")').click();
  await admin.waitForURL(/\/admin\/users\/[0-9a-f-]+$/);
  const row = admin.locator("main");
  await row.locator("summary:has-text('SSO identities')").click();
  await row.locator('select[name="provider"]').selectOption("corp");
  await row.locator('input[name="subject"]').fill("sub-eve");
  await row.locator('button:has-text("Link identity")').click();
  await admin.waitForSelector("text=Linked the Corp SSO identity sub-eve to eve@elsewhere.example.");

  await eve.goto(`${server.url}/login`);
  await signInThroughProvider(eve, "sub-eve");
  await eve.waitForURL(`${server.url}/dashboard`);
  expect(await eve.locator("h1").textContent()).toContain("eve@elsewhere.example");
  await eveContext.close();
  await adminContext.close();
});
