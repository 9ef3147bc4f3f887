// `da login` for real: the compiled da in a terminal (tmux), and headless Chromium as the person's
// browser. Browser flow: $BROWSER is a script that hands the URL to the test, which opens it in
// Chromium, signs in with a password, and clicks Authorize. Device flow: Chromium types the code da
// shows into /device. Afterwards `da auth whoami` works with the stored CLI session.
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../helpers/browser";
import { cleanupSandboxes, daBinary, runDa, sandbox } from "../helpers/cli";
import type { RunningServer } from "../helpers/server";
import { ADMIN, startAgnes } from "../cli/fixtures";
import { Terminal } from "../cli/tmux";
import { urlCatcher, waitForValue } from "../cli/browser-steps";

let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  [server, , browser] = await Promise.all([startAgnes(), daBinary(), launchBrowser()]);
});
afterEach(() => Terminal.closeAll());
afterAll(async () => {
  cleanupSandboxes();
  await browser?.close();
  await server?.stop();
});

async function signIn(page: Page): Promise<void> {
  await page.waitForURL(/\/login\?next=/);
  await page.fill('input[name="email"]', ADMIN.email);
  await page.fill('input[name="password"]', ADMIN.password);
  await page.click('button[type="submit"]');
}

test("da login, Browser (the default): sign in with a password in Chromium, Authorize, and da is signed in", async () => {
  const box = sandbox();
  mkdirSync(box.configDir, { recursive: true });
  writeFileSync(join(box.configDir, "config.yml"), `server: ${server.url}\n`);
  const catcher = urlCatcher(box.home);
  const terminal = await Terminal.start(["login"], { ...box.env, BROWSER: catcher.browser });
  await terminal.waitFor("Agnes server URL");
  terminal.press("Enter");
  await terminal.waitFor(/●\s*Browser/);
  terminal.press("Enter");
  const url = await waitForValue(catcher.url, "da to open the browser");

  const page = await browser.newPage();
  try {
    await page.goto(url);
    await signIn(page);
    await page.waitForURL(/\/cli\/authorize\?/);
    expect(await page.locator("h1").textContent()).toMatch(/^Sign in da on .+\?$/);
    await page.click('button[value="authorize"]');
    await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
    expect(await page.locator("h1").textContent()).toBe("da is signed in");
  } finally {
    await page.close();
  }
  expect(await terminal.exitCode()).toBe(0);
  expect(terminal.screen()).toContain(`Signed in to ${server.url} as ${ADMIN.email}`);
  const whoami = await runDa(["auth", "whoami", "--json"], { env: box.env });
  expect(whoami.code).toBe(0);
  expect(JSON.parse(whoami.stdout)).toMatchObject({ email: ADMIN.email, auth: "session", server: server.url });
});

test("da login --device: Chromium enters the code da shows on /device, and da is signed in", async () => {
  const box = sandbox();
  const terminal = await Terminal.start(["login", "--device", "--server", server.url], box.env);
  const screen = await terminal.waitFor(/one-time code: [A-Z]{4}-[A-Z]{4}/);
  const code = /one-time code: ([A-Z]{4}-[A-Z]{4})/.exec(screen)![1]!;
  expect(screen).toContain(`${server.url}/device`);

  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/device`);
    await signIn(page);
    await page.waitForURL(`${server.url}/device`);
    await page.fill('input[name="user_code"]', code.toLowerCase());
    await page.click('button[type="submit"]:has-text("Continue")');
    expect(await page.locator("h1").textContent()).toMatch(/^Sign in da on .+\?$/);
    expect(await page.locator(".user-code").textContent()).toBe(code);
    await page.click('button[value="authorize"]');
    await page.waitForURL(`${server.url}/device`);
    expect(await page.locator(".flash-ok").textContent()).toContain("is signed in");
  } finally {
    await page.close();
  }
  expect(await terminal.exitCode(30_000)).toBe(0);
  expect(terminal.screen()).toContain(`Signed in to ${server.url} as ${ADMIN.email}`);
  expect((await runDa(["auth", "whoami"], { env: box.env })).code).toBe(0);
});
