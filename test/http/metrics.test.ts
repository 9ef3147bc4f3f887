// /ready and /metrics: who may read metrics, bounded route labels, sign-in counts, the gauges read
// at scrape time, and readiness turning 503 when the database is gone.
import { afterEach, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { ConfigError, loadConfig } from "../../src/config";
import { AppMetrics } from "../../src/modules/metrics/registry";

const METRICS_TOKEN = "m".repeat(40);
// A browser, curl, Prometheus, a bare text/html, and no Accept at all.
const PROBE_ACCEPTS = [
  "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
  "*/*",
  "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
  "text/html",
  null,
];
let t: TestApp;
afterEach(async () => t?.close());

async function scrape(token = METRICS_TOKEN): Promise<string> {
  const res = await t.api("GET", "/metrics", { token });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
  return res.text();
}

/** The value of one sample line, e.g. `agnes_sign_ins_total{result="failure"}`; null when absent. */
function sample(text: string, series: string): number | null {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

describe("/metrics access", () => {
  test("METRICS_TOKEN or an admin credential; no credential gets 401, a signed-in non-admin 403", async () => {
    t = await createTestApp({ env: { METRICS_TOKEN } });
    await t.createUser("ana@example.com", "ana-password-1", "analyst");
    const ana = await t.login("ana@example.com", "ana-password-1");
    const admin = await t.login();
    const pat = ((await (await t.api("POST", "/auth/tokens", { token: admin, body: { name: "scrape" } })).json()) as { token: string }).token;

    expect((await t.api("GET", "/metrics")).status).toBe(401);
    expect((await t.api("GET", "/metrics", { token: "m".repeat(39) })).status).toBe(401);
    expect((await t.api("GET", "/metrics", { token: `${METRICS_TOKEN}m` })).status).toBe(401);
    expect((await t.api("GET", "/metrics", { token: ana })).status).toBe(403);
    const denied = await t.api("GET", "/metrics", { token: "nope" });
    expect(await denied.json()).toEqual({ detail: "Metrics need METRICS_TOKEN or an admin credential" });
    expect(await scrape()).toContain("agnes_http_requests_total");
    expect(await scrape(admin)).toContain("agnes_http_requests_total");
    expect(await scrape(pat)).toContain("agnes_http_requests_total");
  });

  test("a signed-in non-admin's browser gets 403 (JSON: a probe is never a page), not a sign-in redirect that comes straight back", async () => {
    t = await createTestApp({ env: { METRICS_TOKEN } });
    await t.createUser("ana@example.com", "ana-password-1", "analyst");
    const ana = await t.browser("ana@example.com", "ana-password-1");
    const variants: Record<string, string>[] = [{ accept: "text/html" }, {}];
    for (const headers of variants) {
      const res = await ana.raw("/metrics", { headers });
      expect(res.status).toBe(403);
      expect(res.headers.get("location")).toBeNull();
      expect(res.headers.get("content-type")).toStartWith("application/json");
    }
  });

  test("/metrics, /health and /ready are never pages: no credential → 401 {detail}, whatever Accept says", async () => {
    t = await createTestApp({ env: { METRICS_TOKEN } });
    for (const accept of PROBE_ACCEPTS) {
      const headers: Record<string, string> = accept === null ? {} : { accept };
      for (const path of ["/metrics", "/metrics/"]) {
        const res = await t.handle(path, { headers });
        expect(`${path} ${accept}: ${res.status} ${res.headers.get("location")}`).toBe(`${path} ${accept}: 401 null`);
        expect(await res.json()).toEqual({ detail: "Metrics need METRICS_TOKEN or an admin credential" });
      }
      // Their errors are JSON too (no such method here: 404).
      for (const path of ["/health", "/ready"]) {
        const res = await t.handle(path, { method: "POST", headers });
        expect(`${path} ${accept}: ${res.status} ${res.headers.get("content-type")}`).toBe(`${path} ${accept}: 404 application/json;charset=utf-8`);
      }
    }
  });

  test("without METRICS_TOKEN only admins may read; a short METRICS_TOKEN stops the server", async () => {
    t = await createTestApp();
    expect((await t.api("GET", "/metrics", { token: METRICS_TOKEN })).status).toBe(401);
    expect((await t.api("GET", "/metrics", { token: await t.login() })).status).toBe(200);
    expect(() => loadConfig({ DATA_DIR: t.dataDir, METRICS_TOKEN: "short" })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: t.dataDir, METRICS_TOKEN: "short" })).toThrow(/^METRICS_TOKEN: /);
  });
});

describe("/metrics content", () => {
  test("requests are labelled by route template, unknown paths as unmatched, odd methods as OTHER", async () => {
    t = await createTestApp({ env: { METRICS_TOKEN } });
    const admin = await t.login();
    for (const id of ["aaa", "bbb", "ccc"]) await t.api("GET", `/api/users/${id}`, { token: admin });
    for (const path of ["/no/such/path-1", "/no/such/path-2"]) await t.api("GET", path);
    await t.handle("/health", { method: "PROPFIND" });
    const text = await scrape();
    const byTemplate = /agnes_http_requests_total\{method="GET",route="\/api\/users\/:id",status="(\d+)"\} (\d+)/.exec(text);
    expect(Number(byTemplate?.[2])).toBe(3);
    expect(sample(text, 'agnes_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(2);
    expect(text).toContain('method="OTHER"');
    expect(text).not.toContain("aaa");
    expect(text).not.toContain("path-1");
    expect(sample(text, 'agnes_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}')).toBe(2);
    expect(text).toContain('agnes_http_request_duration_seconds_bucket{le="0.1",method="GET",route="unmatched",status="404"}');
  });

  test("sign-in successes, failures and rate-limited attempts are counted", async () => {
    t = await createTestApp({ env: { METRICS_TOKEN } });
    await t.login();
    let limited = false;
    for (let i = 0; i < 100 && !limited; i++) {
      const res = await t.api("POST", "/auth/token", { body: { email: "admin@example.com", password: `wrong-password-${i}` } });
      limited = res.status === 429;
    }
    expect(limited).toBe(true);
    const text = await scrape();
    expect(sample(text, 'agnes_sign_ins_total{result="success"}')).toBe(1);
    expect(sample(text, 'agnes_sign_ins_total{result="failure"}')).toBeGreaterThan(0);
    expect(sample(text, 'agnes_sign_ins_total{result="limited"}')).toBe(1);
  });

  test("sessions, tokens, backups and the database queue are read at scrape time", async () => {
    t = await createTestApp({ env: { METRICS_TOKEN } });
    let text = await scrape();
    expect(sample(text, "agnes_active_sessions")).toBe(0);
    expect(sample(text, "agnes_backup_last_success")).toBeNaN();
    expect(sample(text, "agnes_backup_age_seconds")).toBeNaN();
    expect(sample(text, "agnes_db_queue_depth")).toBe(0);
    const admin = await t.login();
    await t.login();
    for (const name of ["a", "b", "c"]) await t.api("POST", "/auth/tokens", { token: admin, body: { name } });
    expect((await t.api("POST", "/api/admin/backups", { token: admin })).status).toBe(201);
    t.clock.advance(90_000);
    text = await scrape();
    expect(sample(text, "agnes_active_sessions")).toBe(2);
    expect(sample(text, "agnes_active_tokens")).toBe(3);
    expect(sample(text, "agnes_backup_last_success")).toBe(1);
    expect(sample(text, "agnes_backup_age_seconds")).toBeGreaterThanOrEqual(90);
    expect(sample(text, "agnes_backup_last_run_timestamp_seconds")).toBeGreaterThan(0);
  });

  test("two apps in one process keep separate registries", async () => {
    t = await createTestApp({ env: { METRICS_TOKEN } });
    const other = await createTestApp({ env: { METRICS_TOKEN } });
    try {
      await other.api("GET", "/no/such/path");
      await other.api("GET", "/no/such/path");
      await t.api("GET", "/health");
      const text = await scrape();
      expect(text).toContain('route="/health"');
      expect(sample(text, 'agnes_http_requests_total{method="GET",route="unmatched",status="404"}')).toBeNull();
    } finally {
      await other.close();
    }
  });
});

describe("/ready", () => {
  test("200 while the database answers, 503 with a detail once it is closed; /health stays 200", async () => {
    t = await createTestApp();
    const ready = await t.api("GET", "/ready");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
    await t.ctx.db.close();
    const down = await t.api("GET", "/ready");
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ detail: "The database is not available" });
    expect((await t.api("GET", "/health")).status).toBe(200);
  });
});

describe("request histogram", () => {
  test("buckets are cumulative and inclusive of their bound; _sum and _count add up", async () => {
    const m = new AppMetrics({
      db: { queueDepth: 0 },
      authState: { snapshot: () => ({ users: [], sessions: [], tokens: [] }) },
      clock: { now: () => new Date() },
      backups: { last: null, list: () => [] },
    });
    for (const seconds of [0.005, 0.0051, 0.3, 9]) m.observeRequest("GET", "/x/:id", 200, seconds);
    const text = await m.text();
    const bucket = (le: string) => sample(text, `agnes_http_request_duration_seconds_bucket{le="${le}",method="GET",route="/x/:id",status="200"}`);
    expect([bucket("0.001"), bucket("0.005"), bucket("0.01"), bucket("0.5"), bucket("5"), bucket("+Inf")]).toEqual([0, 1, 2, 3, 3, 4]);
    expect(sample(text, 'agnes_http_request_duration_seconds_count{method="GET",route="/x/:id",status="200"}')).toBe(4);
    expect(sample(text, 'agnes_http_request_duration_seconds_sum{method="GET",route="/x/:id",status="200"}')).toBeCloseTo(9.3101, 6);
    expect(sample(text, 'agnes_http_requests_total{method="GET",route="/x/:id",status="200"}')).toBe(4);
  });
});
