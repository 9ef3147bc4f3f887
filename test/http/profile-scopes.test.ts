// /profile's token form: scopes as checkboxes, query + sync + profile:read ticked to begin with.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

test("the form offers every scope and ticks query, sync and profile:read", async () => {
  const html = await (await (await t.browser()).get("/profile")).text();
  const ticked = [...html.matchAll(/name="scope:([a-z:]+)" value="on"( checked)?/g)].map((m) => [m[1], Boolean(m[2])]);
  expect(ticked.filter(([, on]) => on).map(([name]) => name)).toEqual(["profile:read", "query", "sync"]);
  expect(ticked.length).toBe(11);
});

test("the ticked scopes are the token's, and the list shows them; none ticked → an error and no token", async () => {
  const b = await t.browser();
  const page = await b.submit("/profile/tokens", { name: "agent", "scope:query": "on", "scope:profile:read": "on" });
  expect(page).toContain("Token &quot;agent&quot; created.");
  const [token] = (await (await t.api("GET", "/auth/tokens", { token: b.token })).json()) as { scopes: string[] }[];
  expect(token!.scopes).toEqual(["profile:read", "query"]);
  expect(page).toContain("profile:read, query");
  const refused = await b.submit("/profile/tokens", { name: "nothing" });
  expect(refused).toContain("at least one scope");
  expect(((await (await t.api("GET", "/auth/tokens", { token: b.token })).json()) as unknown[]).length).toBe(1);
});

test('the profile says "expires in N days" under a working token', async () => {
  const b = await t.browser();
  await b.submit("/profile/tokens", { name: "week", expires_in_days: "7", "scope:query": "on" });
  t.clock.advance(20 * 3_600_000);
  const html = await (await b.get("/profile")).text();
  expect(html).toContain("expires in 7 days");
  expect(html).toContain('class="expires-soon"');
});
