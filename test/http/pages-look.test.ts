// Issue 27, what pages say and where they open (the layout and the small parts; the browser walk in
// test/browser/every-page.test.ts measures overflow and contrast): the reveal and error targets after
// a post, readable sessions and times, amber token marks, role descriptions, empty lists that say
// what to do, the device page after a decision, the backups folder, owner search, install commands.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ROLE_DESCRIPTIONS } from "../../src/shared/roles";
import { ADMIN_EMAIL, createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
let admin: Awaited<ReturnType<TestApp["browser"]>>;
beforeAll(async () => {
  t = await createTestApp({ env: { BACKUP_DIR: "/tmp/agnes-look-backups" } });
  admin = await t.browser();
});
afterAll(() => t.close());

const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const html = async (path: string) => (await admin.get(path)).text();

test("a new token opens the page at its reveal (no #tokens fragment); a refusal opens at the message", async () => {
  const created = await admin.post("/profile/tokens", { name: "focus", "scope:query": "on" });
  expect(created.headers.get("location")).toBe("/profile");
  const page = await admin.follow(created);
  expect(page).toMatch(/<button[^>]*data-copy="agnes_pat_[^"]+"[^>]*autofocus/);
  const refused = await admin.post("/profile/tokens", { name: "no scopes" });
  expect(refused.headers.get("location")).toBe("/profile#flash");
  expect(await admin.follow(refused)).toMatch(/<div class="flash flash-error" id="flash" tabindex="-1" autofocus/);
});

test("every page has a skip link to the main content", async () => {
  const page = await html("/dashboard");
  expect(page).toContain('<a class="skip" href="#main">Skip to content</a>');
  expect(page).toContain('<main id="main" tabindex="-1">');
});

test('sessions read "Chrome on Linux" and "da on <host>", the raw User-Agent in a tooltip, times relative', async () => {
  await t.api("POST", "/auth/token", { body: { email: ADMIN_EMAIL, password: "admin-password-1" }, headers: { "user-agent": CHROME } });
  await t.api("POST", "/auth/token", {
    body: { email: ADMIN_EMAIL, password: "admin-password-1" },
    headers: { "user-agent": "da/0.4.1 (linux; x64; build-box)" },
  });
  t.clock.advance(5 * 3_600_000); // within the 24 h session
  const page = await html("/profile");
  expect(page).toContain(`title="${CHROME}">Chrome on Linux</span>`);
  expect(page).toContain(">da on build-box</span>");
  expect(page).not.toContain("browser</span> <span>Bun/");
  expect(page).toMatch(/<time datetime="[^"]+" title="\d{4}-\d\d-\d\d \d\d:\d\d UTC">5 hours ago<\/time>/);
});

test("a never-expiring token and one expiring within 7 days are marked amber", async () => {
  await admin.post("/profile/tokens", { name: "forever", expires_in_days: "never", "scope:query": "on" });
  await admin.post("/profile/tokens", { name: "soon", expires_in_days: "7", "scope:query": "on" });
  const page = await html("/profile");
  expect(page).toContain('<span class="badge warn"');
  expect(page).toContain("never expires");
  expect(page).toContain('<div class="expires-soon">⚠ expires in 7 days</div>');
});

test("each role is described wherever one is chosen, from the one shared table", async () => {
  for (const path of ["/admin/users", "/admin/service-accounts"]) {
    const page = await html(path);
    for (const description of Object.values(ROLE_DESCRIPTIONS)) expect(page).toContain(description);
  }
});

test("an empty filtered list says what to do and has no dead pager links", async () => {
  for (const path of ["/admin/users?q=nobody-at-all", "/admin/audit?action=user.delete"]) {
    const page = await html(path);
    expect(page).not.toContain("0–0 of 0");
    expect(page).not.toContain("Next →");
    expect(page).toContain("Clear the filters</a>");
  }
  const beyond = await html("/admin/audit?offset=5000");
  expect(beyond).toContain("Nothing here: the list has");
  expect(beyond).toContain("First page</a>");
});

test("the backups page names the folder, not the setting's name alone", async () => {
  const page = await html("/admin/backups");
  expect(page).toContain("<code>/tmp/agnes-look-backups</code>");
  expect(page).not.toContain("Stored in BACKUP_DIR on the server");
});

test("after approving a device code, /device shows the message and no empty code form", async () => {
  const started = (await (await t.api("POST", "/auth/device/code", { body: { client_name: "ci" } })).json()) as { user_code: string };
  const page = await admin.submit("/device", { user_code: started.user_code, decision: "authorize" });
  expect(page).toContain("is signed in");
  expect(page).not.toContain('name="user_code"');
  expect(page).toContain('<a href="/device">Enter another code</a>');
  expect(await html("/device")).toContain('name="user_code"');
});

test("the admin tokens page finds owners by any part of the email; the API keeps its exact match", async () => {
  const page = await html("/admin/tokens?user=DMIN%40exam");
  expect(page).toContain(`>${ADMIN_EMAIL}</a>`);
  const api = await t.api("GET", "/auth/admin/tokens?user=dmin%40exam", { token: await t.login() });
  expect(await api.json()).toEqual([]);
});

test("install commands break only between words", async () => {
  const page = await html("/install");
  expect(page).toContain('<span class="token">--ttl</span> <span class="token">90d</span>');
});
