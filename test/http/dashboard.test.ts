// The dashboard: admins get server-drawn SVG charts (sign-ins with failures, working tokens,
// queries) whose every bar carries the number GET /api/stats/activity gives for that day; everyone
// gets their own recent activity. Nothing is written by looking.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import type { ActivityStats } from "../../src/shared/activity";

let t: TestApp;
let admin: string;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date("2026-12-01T10:00:00Z"));
  await t.createUser("ann@example.com", "ann-password-1", "analyst", "Ann"); // the helper signs the admin in: one sign-in
  const ann = await t.login("ann@example.com", "ann-password-1");
  await t.api("POST", "/auth/tokens", { token: ann, body: { name: "kept", expires_in_days: 30 } });
  const short = await t.api("POST", "/auth/tokens", { token: ann, body: { name: "short", expires_in_days: 1 } });
  expect(short.status).toBe(201);
  await t.api("POST", "/auth/token", { body: { email: "ann@example.com", password: "wrong-password-1" } });
  const query = { via: "pat" as const, token_id: null, sql: "SELECT 1", rows: 1, bytes: 1, ms: 1, result: "ok" as const };
  for (let i = 0; i < 3; i++)
    await t.ctx.audit.record(t.ctx.db, { actor: { id: "x", email: "ann@example.com" }, action: "data.query", params: query, ip: null });
  t.clock.advance(3 * DAY);
  await t.login("ann@example.com", "ann-password-1");
  await t.ctx.audit.record(t.ctx.db, { actor: { id: "x", email: "ann@example.com" }, action: "data.query", params: query, ip: null });
  admin = await t.login();
});
afterAll(() => t.close());

async function stats(days = 14): Promise<ActivityStats> {
  const res = await t.api("GET", `/api/stats/activity?days=${days}`, { token: admin });
  expect(res.status).toBe(200);
  return (await res.json()) as ActivityStats;
}

describe("GET /api/stats/activity", () => {
  test("per UTC day, oldest first, today last: sign-ins, failures, working tokens, queries", async () => {
    const { days, series } = await stats();
    expect(days).toBe(14);
    expect(series.length).toBe(14);
    expect(series.at(-1)!.day).toBe("2026-12-04");
    const byDay = Object.fromEntries(series.map((d) => [d.day, d]));
    expect(byDay["2026-12-01"]).toMatchObject({ sign_ins: 2, sign_in_failures: 1, queries: 3, active_tokens: 2 });
    expect(byDay["2026-12-02"]).toMatchObject({ sign_ins: 0, queries: 0, active_tokens: 1 });
    expect(byDay["2026-12-04"]).toMatchObject({ sign_ins: 2, queries: 1, active_tokens: 1 });
    expect(byDay["2026-11-30"]).toMatchObject({ sign_ins: 0, active_tokens: 0 });
    expect((await stats(30)).series.length).toBe(30);
  });

  test("7 days is a 422 with a detail; an analyst is refused; nothing is written by reading", async () => {
    const bad = await t.api("GET", "/api/stats/activity?days=7", { token: admin });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { detail: string }).detail).toBeTruthy();
    const ann = await t.login("ann@example.com", "ann-password-1");
    expect((await t.api("GET", "/api/stats/activity", { token: ann })).status).toBe(403);
    const count = async () => (await t.ctx.db.query<{ n: number }>("SELECT count(*)::INTEGER AS n FROM audit_log"))[0]!.n;
    const before = await count();
    await stats();
    await (await t.browser()).get("/dashboard");
    expect(await count()).toBe(before + 1); // the browser's own sign-in, not the reads
  });
});

describe("/dashboard", () => {
  test("an admin's charts are SVG, each bar's value is the API's number for its day, and the numbers are in a table", async () => {
    const b = await t.browser();
    for (const days of [14, 30]) {
      const html = await (await b.get(`/dashboard?days=${days}`)).text();
      const api = await stats(days);
      expect(html).toContain('<svg class="chart"');
      expect(html).toContain('role="img"');
      const bars = [...html.matchAll(/data-day="([\d-]+)" data-series="(\w+)" data-value="(\d+)"/g)].map((m) => [m[1], m[2], Number(m[3])]);
      expect(bars.length).toBe(days * 4);
      for (const [day, key, value] of bars) {
        const point = api.series.find((d) => d.day === day) as unknown as Record<string, number>;
        expect(value).toBe(point[key as string]!);
      }
      expect(html).toContain("<summary>The numbers</summary>");
    }
  });

  test("everyone sees their own recent activity; an analyst gets no charts", async () => {
    const ann = await t.browser("ann@example.com", "ann-password-1");
    const html = await (await ann.get("/dashboard")).text();
    expect(html).toContain("Your recent activity");
    expect(html).toContain("Ann created the token “kept”");
    expect(html).not.toContain('<svg class="chart"');
  });

  test("an admin's token without audit:read gets the page without the charts, as the API would refuse it", async () => {
    const made = await t.api("POST", "/auth/tokens", { token: admin, body: { name: "profile-only", scopes: ["profile:read"] } });
    const narrow = ((await made.json()) as { token: string }).token;
    expect((await t.api("GET", "/api/stats/activity", { token: narrow })).status).toBe(403);
    const res = await t.handle("/dashboard", { headers: { accept: "text/html", authorization: `Bearer ${narrow}` } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Your recent activity");
    expect(html).not.toContain('<svg class="chart"');
  });
});
