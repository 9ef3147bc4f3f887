// The "HTML redirect" rule: browsers without credentials go to /login, API clients get 401 JSON,
// a too-low role gets 403 JSON or a 403 page.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const html = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

describe("not signed in", () => {
  test("a browser navigation without a cookie is sent to /login with next", async () => {
    const res = await t.handle("/dashboard", { headers: html });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?next=%2Fdashboard");
  });

  test("next keeps the query string", async () => {
    const res = await t.handle("/dashboard?tab=a&b=2", { headers: html });
    expect(res.headers.get("location")).toBe(`/login?next=${encodeURIComponent("/dashboard?tab=a&b=2")}`);
  });

  test("a bogus cookie redirects too", async () => {
    const res = await t.handle("/dashboard", { headers: { ...html, cookie: "access_token=not-a-jwt" } });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toStartWith("/login?next=");
  });

  test("a cookie that is not valid percent-encoding counts as no cookie (not a 500)", async () => {
    const cookie = "access_token=%E0%A4%A";
    const page = await t.handle("/dashboard", { headers: { ...html, cookie } });
    expect(page.status).toBe(302);
    const api = await t.handle("/auth/me", { headers: { cookie } });
    expect(api.status).toBe(401);
    expect(await api.json()).toEqual({ detail: expect.any(String) });
  });

  test("an empty Accept and */* count as a browser navigation", async () => {
    for (const accept of ["", "*/*"]) {
      const res = await t.handle("/dashboard", { headers: { accept } });
      expect(res.status).toBe(302);
    }
  });

  test("a page asked for as JSON only gets 401 JSON", async () => {
    const res = await t.handle("/dashboard", { headers: { accept: "application/json" } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: expect.any(String) });
  });

  test("API paths answer 401 JSON, even with Accept: */* or text/html", async () => {
    for (const accept of ["*/*", "text/html", ""]) {
      const res = await t.handle("/auth/me", { headers: { accept } });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect((await res.json()).detail).toBeString();
    }
    const users = await t.handle("/api/users", { headers: { accept: "*/*" } });
    expect(users.status).toBe(401);
  });

  test("GET / goes to /login", async () => {
    const res = await t.handle("/", { headers: html });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login");
  });
});

describe("signed in", () => {
  test("GET / goes to /dashboard", async () => {
    const token = await t.login();
    const res = await t.handle("/", { headers: { ...html, cookie: `access_token=${token}` } });
    expect(res.headers.get("location")).toBe("/dashboard");
  });

  test("an expired session redirects the browser and 401s the API", async () => {
    const token = await t.login();
    t.clock.advance(25 * 3_600_000);
    try {
      const page = await t.handle("/dashboard", { headers: { ...html, cookie: `access_token=${token}` } });
      expect(page.status).toBe(302);
      const api = await t.api("GET", "/auth/me", { token });
      expect(api.status).toBe(401);
    } finally {
      t.clock.advance(-25 * 3_600_000);
    }
  });

  test("too low a role: 403 JSON for the API, a 403 page (not a redirect) for browsers", async () => {
    await t.createUser("viewer@example.com", "viewer-password", "viewer");
    const token = await t.login("viewer@example.com", "viewer-password");
    const api = await t.api("GET", "/api/users", { token });
    expect(api.status).toBe(403);
    expect((await api.json()).detail).toContain("admin");
    const page = await t.handle("/admin/users", { headers: { ...html, cookie: `access_token=${token}` } });
    expect(page.status).toBe(403);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("needs the admin role");
  });

  test("unknown pages are a 404 page for browsers and 404 JSON for the API", async () => {
    const page = await t.handle("/no-such-page", { headers: html });
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("Page not found");
    const api = await t.api("GET", "/api/no-such-thing");
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ detail: "Not found" });
  });
});
