// /install in headless Chromium, signed out: the one-liner with this server's URL, platform tabs that
// work without JavaScript, a working copy button (app.js, no inline script), and the downloads table.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, BrowserContext } from "playwright-core";
import { launchBrowser } from "../helpers/browser";
import { startServer, type RunningServer } from "../helpers/server";
import { cleanupTempDirs, fakeDist, type BuiltDist } from "../helpers/dist";

const TIMEOUT = 120_000;
let server: RunningServer;
let browser: Browser;
let dist: BuiltDist;

beforeAll(async () => {
  dist = fakeDist(["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "windows-x64"], { version: "3.4.5" });
  [server, browser] = await Promise.all([startServer({ env: { CLI_DIST_DIR: dist.dir } }), launchBrowser()]);
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  cleanupTempDirs();
});

async function open(userAgent: string, path = "/install", js = true): Promise<{ context: BrowserContext; errors: string[] }> {
  const context = await browser.newContext({ userAgent, javaScriptEnabled: js });
  const errors: string[] = [];
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  const response = await page.goto(`${server.url}${path}`);
  expect(response?.status()).toBe(200);
  return { context, errors };
}

describe("/install in a browser", () => {
  test("a Linux visitor sees the curl one-liner with this server's URL first, and can copy it", async () => {
    const { context, errors } = await open("Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0");
    try {
      const page = context.pages()[0]!;
      expect(page.url()).toBe(`${server.url}/install`); // public: no redirect to /login
      const command = await page.locator("#install-command").textContent();
      expect(command).toBe(`curl -fsSL ${server.url}/cli/install.sh | sh`);
      expect(await page.locator(".tabs a.active").textContent()).toBe("Linux");

      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
      const copy = page.locator("#install-command").locator("xpath=ancestor::div[contains(@class,'command')]//button");
      await copy.click();
      await page.waitForFunction(() => document.querySelector(".command button")?.textContent === "Copied");
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(command!);

      const rows = page.locator("table tbody tr");
      expect(await rows.count()).toBe(5);
      const table = (await page.locator("table").textContent()) ?? "";
      for (const t of dist.manifest.targets) expect(table).toContain(t.sha256);
      expect(await page.textContent("body")).toContain("Version 3.4.5");
      expect(await page.textContent("body")).toContain("da auth token create");
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test("a Windows visitor sees the PowerShell one-liner first; the tabs switch without JavaScript", async () => {
    const { context, errors } = await open("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/156.0", "/install", false);
    try {
      const page = context.pages()[0]!;
      expect(await page.locator("#install-command").textContent()).toBe(`irm ${server.url}/cli/install.ps1 | iex`);
      await page.click(".tabs a:has-text('macOS')");
      await page.waitForURL(/os=macos/);
      expect(await page.locator("#install-command").textContent()).toBe(`curl -fsSL ${server.url}/cli/install.sh | sh`);
      expect(await page.locator(".tabs a.active").textContent()).toBe("macOS");
      // The other platforms stay one click away in <details>.
      await page.click("summary:has-text('Windows')");
      expect(await page.locator("details[open] code").textContent()).toBe(`irm ${server.url}/cli/install.ps1 | iex`);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
