// Looks at one loaded page the way issue 27's acceptance asks: at 390 and 1280 px, in the light and
// the dark scheme, the horizontal overflow and axe-core's serious and critical WCAG 2.2 AA violations.
// The page is loaded once and re-laid out for each mode (a viewport or scheme change needs no reload).
import axe from "axe-core";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { signIn } from "./browser";

export const WIDTHS = [390, 1280] as const;
export const SCHEMES = ["light", "dark"] as const;
export type Mode = { width: (typeof WIDTHS)[number]; scheme: (typeof SCHEMES)[number] };
export const MODES: Mode[] = WIDTHS.flatMap((width) => SCHEMES.map((scheme) => ({ width, scheme })));
const WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

export type Finding = { mode: Mode; overflow: number; violations: string[] };

/** One context per viewer, signed in once (landing on `lands`); the anonymous one has no cookies. */
export async function contextFor(browser: Browser, baseUrl: string, who: { email: string; password: string } | null, lands?: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (who) {
    const page = await context.newPage();
    await signIn(page, baseUrl, who.email, who.password, lands);
    await page.close();
  }
  return context;
}

export async function setMode(page: Page, mode: Mode): Promise<void> {
  await page.setViewportSize({ width: mode.width, height: 800 });
  await page.emulateMedia({ colorScheme: mode.scheme });
}

/** The rules whose result can change with the colour scheme alone (same layout, other colours). */
const COLOUR_RULES = ["color-contrast", "link-in-text-block"];

/** `onlyColours`: the page was already checked in another scheme at this width; only colours changed. */
async function axeViolations(page: Page, onlyColours: boolean): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays as it is.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axe.source);
  const runOnly = onlyColours ? { type: "rule", values: COLOUR_RULES } : { type: "tag", values: WCAG_22_AA };
  const result = await page.evaluate(async (only) => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected into the page, not typed there
    const run = await (window as any).axe.run(document, { runOnly: only, resultTypes: ["violations"] });
    return run.violations as { id: string; impact: string | null; nodes: { target: string[]; failureSummary?: string }[] }[];
  }, runOnly);
  return result
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .map((n) => n.target.join(" "))
          .slice(0, 4)
          .join(", ")}${v.nodes.length > 4 ? ` … ${v.nodes.length} nodes` : ""}`,
    );
}

/** The page's horizontal overflow in px, and which elements stick out past the viewport (for the message). */
export async function overflowOf(page: Page): Promise<{ px: number; culprits: string[] }> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const px = root.scrollWidth - root.clientWidth;
    const culprits: string[] = [];
    if (px > 0) {
      for (const el of Array.from(document.body.querySelectorAll("*"))) {
        const box = el.getBoundingClientRect();
        if (box.right > root.clientWidth + 1 && culprits.length < 5) culprits.push(`${el.tagName.toLowerCase()}.${el.className}@${Math.round(box.right)}`);
      }
    }
    return { px, culprits };
  });
}

/**
 * Every mode of the page at `url`: loaded once per width (a table switched between stacked and wide
 * in place kept stale column widths in Chromium), re-coloured in place for each scheme. Every rule
 * runs in the first scheme of each width (light at one, dark at the other), the colour rules in the
 * second: a scheme changes colours only, and colour contrast was most of axe's time (1.3 of 2.0 s
 * on the users page).
 */
export async function checkPage(page: Page, url: string): Promise<{ status: number | null; findings: Finding[] }> {
  const findings: Finding[] = [];
  let status: number | null = null;
  for (const [w, width] of WIDTHS.entries()) {
    await page.setViewportSize({ width, height: 800 });
    status = (await page.goto(url))?.status() ?? null;
    const schemes = w === 0 ? SCHEMES : [...SCHEMES].reverse();
    for (const [i, scheme] of schemes.entries()) {
      await page.emulateMedia({ colorScheme: scheme });
      const overflow = await overflowOf(page);
      const violations = await axeViolations(page, i > 0);
      if (overflow.px > 0) violations.push(`overflow ${overflow.px}px: ${overflow.culprits.join(", ")}`);
      findings.push({ mode: { width, scheme }, overflow: overflow.px, violations });
    }
  }
  return { status, findings };
}
