// /admin/service-accounts: create, open, give a token (shown once), deactivate, delete — forms only.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

test("the page's forms make a service account, a token for it, and stop it", async () => {
  const b = await t.browser();
  const listed = await b.submit("/admin/service-accounts", { name: "<b>etl</b>", description: "nightly", role: "viewer" });
  expect(listed).toContain("&lt;b&gt;etl&lt;/b&gt;");
  expect(listed).not.toContain("<b>etl</b>");
  const [account] = (await (await t.api("GET", "/api/service-accounts", { token: b.token })).json()) as { id: string }[];
  const detail = await b.submit(`/admin/service-accounts/${account!.id}/tokens`, { name: "ci", expires_in_days: "30", "scope:query": "on" });
  const token = /agnes_pat_[0-9A-Za-z]{38}/.exec(detail)?.[0];
  expect(token).toBeDefined();
  expect((await (await b.get(`/admin/service-accounts/${account!.id}`)).text()).includes(token!)).toBe(false);
  expect((await t.api("POST", "/api/query", { token, body: { sql: "SELECT 1 AS one" } })).status).toBe(200);
  expect(await b.submit(`/admin/service-accounts/${account!.id}/deactivate`, {})).toContain("deactivated");
  expect((await t.api("POST", "/api/query", { token, body: { sql: "SELECT 1 AS one" } })).status).toBe(401);
  const confirm = await (await b.get(`/admin/service-accounts/${account!.id}/delete`)).text();
  expect(confirm).toContain("Delete service account");
  expect(await b.submit(`/admin/service-accounts/${account!.id}/delete`, { confirm: "yes" })).toContain("Service account deleted");
  expect((await t.api("GET", `/api/service-accounts/${account!.id}`, { token: b.token })).status).toBe(404);
});

test("an analyst gets 403; a signed-out browser is sent to /login", async () => {
  await t.createUser("ann@example.com", "ann-password-1", "analyst");
  const ann = await t.browser("ann@example.com", "ann-password-1");
  expect((await ann.get("/admin/service-accounts")).status).toBe(403);
  expect((await t.handle("/admin/service-accounts", { headers: { accept: "text/html" } })).status).toBe(302);
});
