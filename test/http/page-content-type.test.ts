// Every page is served as HTML. The HTML plugin only reaches routes registered after it (createApp
// lists the routes that never render a page first), so a page put in the wrong group would go out
// as text/plain: this walks every GET route without path parameters, signed in as the admin and
// signed out, and checks that whatever looks like a page says it is one, with the page headers.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
let admin: Awaited<ReturnType<TestApp["browser"]>>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.browser();
});
afterAll(() => t.close());

function staticGetRoutes(): string[] {
  const paths = (t.app.routes as { method: string; path: string }[])
    .filter((route) => route.method === "GET" && !route.path.includes(":") && !route.path.includes("*"))
    .map((route) => route.path);
  return [...new Set(paths)];
}

test("the route table has pages to check", () => {
  const routes = staticGetRoutes();
  expect(routes).toContain("/login");
  expect(routes).toContain("/dashboard");
  expect(routes).toContain("/admin/users");
  expect(routes.length).toBeGreaterThan(15);
});

test("every page, signed in or not, goes out as text/html with a doctype and the page headers", async () => {
  let pages = 0;
  for (const path of staticGetRoutes()) {
    for (const res of [await admin.get(path), await t.handle(path, { headers: { accept: "text/html" } })]) {
      const body = await res.text();
      if (!body.trimStart().startsWith("<")) continue;
      pages++;
      expect({ path, type: res.headers.get("content-type") }).toEqual({ path, type: expect.stringMatching(/^text\/html/) });
      // The page headers come with the route group too (src/http/security-headers.ts).
      expect({ path, csp: res.headers.get("content-security-policy"), referrer: res.headers.get("referrer-policy") }).toEqual({
        path,
        csp: expect.stringContaining("script-src 'self'"),
        referrer: "same-origin",
      });
      expect(body.toLowerCase().startsWith("<!doctype html>")).toBe(true);
    }
  }
  expect(pages).toBeGreaterThan(10);
});

test("the API routes answer JSON, not pages", async () => {
  for (const path of ["/health", "/auth/me", "/api/users", "/auth/tokens", "/auth/admin/tokens"]) {
    const res = await t.api("GET", path, { token: admin.token });
    expect({ path, type: res.headers.get("content-type") }).toEqual({ path, type: expect.stringMatching(/^application\/json/) });
  }
});
