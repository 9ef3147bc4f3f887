// How long `da login --web` takes end to end on loopback: from starting the compiled da to its exit
// with a stored CLI session. $BROWSER is a script that hands the URL over; headless Chromium opens
// it and clicks Authorize (the person's part, done at machine speed). Two cases, 5 runs each, median:
//   signed in   the browser already has a session (the usual case: no password typed anywhere)
//   sign in     a fresh browser: /login with a password first (one argon2id verify), then Authorize
// Run: bun bench/cli-login.ts   (needs /usr/bin/chromium; builds da for this machine)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { launchBrowser } from "../test/helpers/browser";
import { daBinary } from "../test/helpers/cli";
import { startServer } from "../test/helpers/server";
import { urlCatcher, waitForValue } from "../test/cli/browser-steps";

const RUNS = 5;
const ADMIN = { email: "admin@example.com", password: "admin-password-1" };

async function signInFirst(context: BrowserContext, serverUrl: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(`${serverUrl}/login`);
  await page.fill('input[name="email"]', ADMIN.email);
  await page.fill('input[name="password"]', ADMIN.password);
  await page.click('button[type="submit"]');
  await page.waitForURL(/\/dashboard$/);
  await page.close();
}

async function oneLogin(browser: Browser, serverUrl: string, alreadySignedIn: boolean): Promise<{ total: number; toBrowser: number }> {
  const home = mkdtempSync(join(tmpdir(), "da-bench-login-"));
  const context = await browser.newContext();
  try {
    if (alreadySignedIn) await signInFirst(context, serverUrl);
    const page = await context.newPage();
    const catcher = urlCatcher(home);
    const started = performance.now();
    const da = Bun.spawn([await daBinary(), "login", "--web", "--server", serverUrl], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, NO_COLOR: "1", BROWSER: catcher.browser },
      stdin: "ignore",
      stdout: "ignore",
      stderr: "pipe",
    });
    const url = await waitForValue(catcher.url, "the URL", 30_000);
    const toBrowser = performance.now() - started;
    await page.goto(url);
    if (!alreadySignedIn) {
      await page.fill('input[name="email"]', ADMIN.email);
      await page.fill('input[name="password"]', ADMIN.password);
      await page.click('button[type="submit"]');
    }
    await page.click('button[value="authorize"]');
    const code = await da.exited;
    const total = performance.now() - started;
    if (code !== 0) throw new Error(`da login exited ${code}: ${await new Response(da.stderr).text()}`);
    return { total, toBrowser };
  } finally {
    await context.close();
    rmSync(home, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(0)} ms`;

async function main(): Promise<void> {
  const server = await startServer({ env: { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password }, cost: "production" });
  const [browser] = await Promise.all([launchBrowser(), daBinary()]);
  try {
    await oneLogin(browser, server.url, true); // warm-up: first page loads, JIT
    console.log(`da login --web on loopback, ${RUNS} runs each (median; min–max)`);
    for (const [label, signedIn] of [
      ["browser already signed in", true],
      ["sign in with a password first", false],
    ] as const) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await oneLogin(browser, server.url, signedIn));
      const totals = runs.map((r) => r.total);
      console.log(
        `  ${label.padEnd(30)} total ${ms(median(totals))} (${ms(Math.min(...totals))}–${ms(Math.max(...totals))}); ` +
          `da start → URL handed to the browser ${ms(median(runs.map((r) => r.toBrowser)))}`,
      );
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
