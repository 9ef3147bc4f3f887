// Groups end to end with Chromium and the compiled `da` against the real server: an admin makes a
// group, adds a person and grants a dataset through the pages; that person's /data shows it and
// their `da query` reads it; removing them hides it at once, from the page and from `da`.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, signIn } from "../helpers/browser";
import type { RunningServer } from "../helpers/server";
import { daBinary, runDa, sandbox, type Sandbox } from "../helpers/cli";
import { ADMIN, createUser, daLogin, sessionToken, startAgnes } from "../cli/fixtures";

let server: RunningServer;
let browser: Browser;
let analyst: Awaited<ReturnType<typeof createUser>>;
let box: Sandbox;
beforeAll(async () => {
  [server, browser] = await Promise.all([startAgnes({ DATASET_DEFAULT_GRANT: "none" }), launchBrowser(), daBinary()]);
  analyst = await createUser(server, "analyst", "ann");
  const admin = await sessionToken(server, ADMIN.email, ADMIN.password);
  const upload = await fetch(`${server.url}/api/datasets?name=finance_q1`, {
    method: "POST",
    headers: { authorization: `Bearer ${admin}`, "content-type": "text/csv" },
    body: "account,amount\nrent,1200\nsalaries,5400\n",
  });
  expect(upload.status).toBe(201);
  box = sandbox();
  await daLogin(box, server, analyst.email, analyst.password);
});
afterAll(async () => {
  box?.cleanup();
  await browser?.close();
  await server?.stop();
});

const daQuery = () => runDa(["query", "SELECT sum(amount) AS total FROM finance_q1"], { env: box.env });

/** The flash a form post left, whatever its kind: a refusal then fails the test with its own words. */
async function flash(page: Page): Promise<string> {
  await page.locator(".flash").first().waitFor();
  return `${await page.locator(".flash").first().getAttribute("class")}: ${await page.locator(".flash").first().textContent()}`;
}

async function makeGroupAndGrant(page: Page): Promise<void> {
  await signIn(page, server.url, ADMIN.email, ADMIN.password);
  await page.goto(`${server.url}/admin/groups`);
  await page.fill('input[name="name"]', "Finance");
  await page.click('button:has-text("Create group")');
  expect(await flash(page)).toContain("flash-ok: Group Finance created.");
  await page.click('a:has-text("Finance")');
  await page.fill('input[name="q"]', analyst.email.split("@")[0]!);
  await page.click('button:has-text("Search")');
  await page.click(`tr[data-user-id="${analyst.id}"] button:has-text("Add")`);
  expect(await flash(page)).toContain(`${analyst.email} is a member.`);
  await page.goto(`${server.url}/admin/datasets`);
  await page.click('a[href="/admin/datasets/finance_q1/grants"]');
  await page.check('label:has-text("Finance") input[type="checkbox"]');
  await page.click('button:has-text("Save grants")');
  expect(await flash(page)).toContain("finance_q1 is readable by Finance.");
}

test("admin makes a group, adds a person, grants a dataset; they read it on /data and with da query; removing them hides it at once", async () => {
  const before = await daQuery();
  expect(before.code).toBe(1);
  const adminPage = await (await browser.newContext()).newPage();
  const personPage = await (await browser.newContext()).newPage();
  await signIn(personPage, server.url, analyst.email, analyst.password, "/data");
  expect(await personPage.locator("main").textContent()).not.toContain("finance_q1");

  await makeGroupAndGrant(adminPage);
  await personPage.reload();
  expect(await personPage.locator("main").textContent()).toContain("finance_q1");
  const read = await daQuery();
  expect(read.stdout).toBe("total\r\n6600\r\n");
  expect(read.code).toBe(0);

  await adminPage.goto(`${server.url}/admin/groups`);
  await adminPage.click('a:has-text("Finance")');
  await adminPage.click(`tr[data-user-id="${analyst.id}"] button:has-text("Remove")`);
  expect(await flash(adminPage)).toContain("was removed");
  await personPage.reload();
  expect(await personPage.locator("main").textContent()).not.toContain("finance_q1");
  const after = await daQuery();
  expect(after.code).toBe(1);
  expect(after.stderr).toContain("finance_q1");
});
