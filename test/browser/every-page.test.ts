// Issue 27's acceptance: every page (every GET page route of the app, filled with seeded data) at 390
// and 1280 px in the light and dark schemes has no horizontal overflow and no serious or critical axe
// violation (WCAG 2.2 AA); after "Create token" the new token's Copy button is focused and in view.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "../helpers/browser";
import { checkPage, contextFor, MODES, setMode } from "../helpers/page-check";
import { seededServer, WALK_ADMIN, WALK_ANALYST, WALK_NEW_HIRE, type Seeded, type Viewer } from "../helpers/page-walk";

let seeded: Seeded;
let browser: Browser;
let contexts: Record<Viewer, BrowserContext>;
beforeAll(async () => {
  [seeded, browser] = await Promise.all([seededServer(), launchBrowser()]);
  const url = seeded.server.url;
  const [anonymous, admin, analyst, newHire] = await Promise.all([
    contextFor(browser, url, null),
    contextFor(browser, url, WALK_ADMIN),
    contextFor(browser, url, WALK_ANALYST),
    contextFor(browser, url, WALK_NEW_HIRE, "/password/change"),
  ]);
  contexts = { anonymous, admin, analyst, newHire };
});
afterAll(async () => {
  await browser?.close();
  await seeded?.server.stop();
});

/** One tab per viewer walking its share of the pages: two lanes keep both cores busy (Chromium renders, axe runs). */
async function walkLane(lane: number, lanes: number, problems: string[]): Promise<void> {
  const tabs = new Map<Viewer, Page>();
  for (const [i, entry] of seeded.pages.entries()) {
    if (i % lanes !== lane) continue;
    const tab = tabs.get(entry.viewer) ?? (await contexts[entry.viewer].newPage());
    tabs.set(entry.viewer, tab);
    const { status, findings } = await checkPage(tab, `${seeded.server.url}${entry.path}`);
    if (status === null || status >= 500) problems.push(`${entry.name}: status ${status}`);
    for (const finding of findings) {
      for (const v of finding.violations) problems.push(`${entry.name} [${finding.mode.width}px ${finding.mode.scheme}] ${v}`);
    }
  }
  await Promise.all([...tabs.values()].map((tab) => tab.close()));
}

test("every page fits 390 and 1280 px in both schemes with no serious axe violation", async () => {
  expect(seeded.pages.length).toBeGreaterThan(30);
  const problems: string[] = [];
  await Promise.all([walkLane(0, 2, problems), walkLane(1, 2, problems)]);
  expect(problems.sort()).toEqual([]);
});

test("after Create token, the new token's Copy button has the focus and is in view, at both widths", async () => {
  const page = await contexts.admin.newPage();
  for (const mode of MODES.filter((m) => m.scheme === "light")) {
    await setMode(page, mode);
    await page.goto(`${seeded.server.url}/profile`);
    await page.fill('#tokens input[name="name"]', `focus ${mode.width}`);
    await page.click('#tokens button[type="submit"]');
    await page.waitForSelector(".reveal");
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      const box = el?.getBoundingClientRect();
      return { copy: el?.getAttribute("data-copy") ?? null, top: box?.top ?? -1, bottom: box?.bottom ?? -1, height: window.innerHeight };
    });
    expect(focused.copy).toMatch(/^agnes_pat_/);
    expect(focused.top).toBeGreaterThanOrEqual(0);
    expect(focused.bottom).toBeLessThanOrEqual(focused.height);
  }
  await page.close();
});

test("after a refused form post, the error message has the focus", async () => {
  const page = await contexts.admin.newPage();
  await page.goto(`${seeded.server.url}/profile`);
  await page.fill('#password input[name="current_password"]', "not-my-password");
  await page.fill('#password input[name="new_password"]', "another-password-1");
  await page.fill('#password input[name="new_password_confirm"]', "another-password-1");
  await page.click('#password button[type="submit"]');
  await page.waitForSelector(".flash-error");
  expect(await page.evaluate(() => document.activeElement?.classList.contains("flash-error") ?? false)).toBe(true);
  await page.close();
});

test("at 390 px no word of an install command is split across lines", async () => {
  const page = await contexts.anonymous.newPage();
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${seeded.server.url}/install`);
  const split = await page.$$eval(".command .token", (words) => words.filter((w) => w.getClientRects().length > 1).map((w) => w.textContent));
  expect(await page.locator(".command .token").count()).toBeGreaterThan(10);
  expect(split).toEqual([]);
  await page.close();
});
