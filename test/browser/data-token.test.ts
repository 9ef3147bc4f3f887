// The original plan's end-to-end check, all of it real: sign in with Chromium, create a token through
// the /profile form, read its one-time reveal off the page, use it as DA_TOKEN with the compiled `da`
// (`da query "SELECT 1"` prints 1), revoke it on /profile, and the next `da query` exits 1 with the
// server's own message.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { launchBrowser, signIn } from "../helpers/browser";
import { cleanupSandboxes, daBinary, hasStackTrace, runDa, sandbox } from "../helpers/cli";
import type { RunningServer } from "../helpers/server";
import { ADMIN, startAgnes } from "../cli/fixtures";

let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  [server, , browser] = await Promise.all([startAgnes(), daBinary(), launchBrowser()]);
});
afterAll(async () => {
  cleanupSandboxes();
  await browser?.close();
  await server?.stop();
});

test("a token made on /profile works as DA_TOKEN for da query, and stops working once revoked there", async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await signIn(page, server.url, ADMIN.email, ADMIN.password, "/profile");
  await page.fill('#tokens input[name="name"]', "journey");
  await page.click('#tokens button[type="submit"]');
  await page.waitForSelector(".reveal");
  const token = (await page.locator(".reveal code.token-value").textContent())!.trim();
  expect(token).toMatch(/^agnes_pat_/);

  // No stored sign-in in this HOME: the token in the environment is da's only credential.
  const env = { HOME: sandbox().home, NO_COLOR: "1", DA_SERVER: server.url, DA_TOKEN: token };
  const ok = await runDa(["query", "SELECT 1"], { env });
  expect(ok.stderr).toBe("");
  expect(ok).toMatchObject({ code: 0, stdout: "1\r\n1\r\n" });

  await page.click('#tokens tr:has-text("journey") a:has-text("Revoke")');
  await page.waitForURL(/\/profile\/tokens\/[0-9a-f]+\/revoke$/);
  await page.click('button:has-text("Revoke token")');
  await page.waitForURL(/\/profile#tokens$/);
  expect(await page.locator('#tokens tr:has-text("journey") .badge').textContent()).toBe("revoked");
  await page.close();

  // The server answers any client a bare 401 (it does not tell a token guesser why); da knows it
  // sent DA_TOKEN and names that as the cause, with what to do.
  const answer = await fetch(`${server.url}/api/query`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ sql: "SELECT 1" }),
  });
  expect(answer.status).toBe(401);
  const refused = await runDa(["query", "SELECT 1"], { env });
  expect(refused.code).toBe(1);
  expect(refused.stdout).toBe("");
  expect(refused.stderr).toContain("rejected the DA_TOKEN personal access token: it is revoked, expired or unknown there");
  expect(refused.stderr).toContain("hint: create a new token");
  expect(hasStackTrace(refused.stderr)).toBe(false);
});
