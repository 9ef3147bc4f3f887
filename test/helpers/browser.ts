// Headless Debian Chromium through playwright-core (never `npx playwright install`).
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS, headless: true });
}

/** Signs in through the /login form of the server at `baseUrl` and waits to land on `next` (the form's default: /dashboard). */
export async function signIn(page: Page, baseUrl: string, email: string, password: string, next?: string): Promise<void> {
  await page.goto(next ? `${baseUrl}/login?next=${next}` : `${baseUrl}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${baseUrl}${next ?? "/dashboard"}`, { timeout: 10_000 });
}
