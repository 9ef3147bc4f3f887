// Screenshots of the main pages, both widths (390, 1280 px) and both schemes, on a seeded server (the
// same data as test/browser/every-page.test.ts), for looking at what people see.
// bun bench/screenshots.ts [out-dir]   (default: ./screens; one PNG per page × width × scheme)
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { launchBrowser } from "../test/helpers/browser";
import { contextFor, MODES, setMode } from "../test/helpers/page-check";
import { seededServer, WALK_ADMIN, WALK_ANALYST } from "../test/helpers/page-walk";

const MAIN_PAGES: [string, string, "admin" | "analyst" | "anonymous"][] = [
  ["login", "/login", "anonymous"],
  ["dashboard", "/dashboard", "admin"],
  ["profile", "/profile", "admin"],
  ["data", "/data", "analyst"],
  ["install", "/install", "admin"],
  ["admin-users", "/admin/users", "admin"],
  ["admin-tokens", "/admin/tokens", "admin"],
  ["admin-audit", "/admin/audit", "admin"],
  ["admin-backups", "/admin/backups", "admin"],
  ["admin-groups", "/admin/groups", "admin"],
  ["admin-datasets", "/admin/datasets", "admin"],
  ["admin-service-accounts", "/admin/service-accounts", "admin"],
  ["device", "/device", "admin"],
];

const out = resolve(process.argv[2] ?? "screens");
mkdirSync(out, { recursive: true });
const [seeded, browser] = await Promise.all([seededServer(), launchBrowser()]);
try {
  const url = seeded.server.url;
  const contexts = {
    anonymous: await contextFor(browser, url, null),
    admin: await contextFor(browser, url, WALK_ADMIN),
    analyst: await contextFor(browser, url, WALK_ANALYST),
  };
  const written: string[] = [];
  for (const [name, path, viewer] of MAIN_PAGES) {
    const page = await contexts[viewer].newPage();
    for (const mode of MODES) {
      await setMode(page, mode);
      // Loaded anew per mode: a table switched between stacked and wide in place kept stale widths.
      await page.goto(`${url}${path}`);
      const file = join(out, `${name}-${mode.width}-${mode.scheme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      written.push(file);
    }
    await page.close();
  }
  console.log(written.join("\n"));
} finally {
  await browser.close();
  await seeded.server.stop();
}
