import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, type TestApp } from "../helpers/app";
import { safeNextPath } from "../../src/http/safe-next";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const form = "application/x-www-form-urlencoded";

describe("open redirects", () => {
  test.each(["//evil.example", "/\\evil.example", "https://evil.example/x", "http:/evil", "javascript:alert(1)", "/%09/evil", "\\\\evil", " /x"])(
    "next=%p falls back to /dashboard",
    async (next) => {
      const body = new URLSearchParams({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD, next });
      const res = await t.handle("/login", { method: "POST", headers: { "content-type": form }, body });
      expect(res.status).toBe(303);
      const location = res.headers.get("location")!;
      expect(location.startsWith("/")).toBe(true);
      expect(location.startsWith("//")).toBe(false);
      expect(new URL(location, "http://localhost").host).toBe("localhost");
    },
  );

  test("same-site paths are kept with their query", () => {
    expect(safeNextPath("/admin/users?q=a%20b&role=admin")).toBe("/admin/users?q=a%20b&role=admin");
    expect(safeNextPath("/\tevil")).toBe("/dashboard");
  });
});

describe("CSRF", () => {
  test("a cross-site form post with the session cookie is refused and changes nothing", async () => {
    const b = await t.browser();
    const crossSite: Record<string, string>[] = [{ origin: "https://evil.example" }, { "sec-fetch-site": "cross-site" }];
    for (const headers of crossSite) {
      const res = await b.raw("/logout", { method: "POST", headers: { "content-type": form, ...headers }, body: new URLSearchParams({ _csrf: b.csrf }) });
      expect(res.status).toBe(403);
    }
    expect((await b.raw("/auth/me")).status).toBe(200);
  });

  test("a cross-site sign-in form post is refused (login CSRF)", async () => {
    const res = await t.handle("/login", {
      method: "POST",
      headers: { "content-type": form, origin: "https://evil.example" },
      body: new URLSearchParams({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("access_token="))).toBe(false);
  });

  test("a same-origin cookie post without the CSRF token is refused", async () => {
    const b = await t.browser();
    const res = await b.raw("/logout", { method: "POST", headers: { origin: "http://localhost", "content-type": form }, body: "" });
    expect(res.status).toBe(403);
    expect((await b.raw("/auth/me")).status).toBe(200);
  });

  test("the token may come as the X-CSRF-Token header for JSON calls from pages", async () => {
    const b = await t.browser();
    const res = await b.raw("/logout", { method: "POST", headers: { origin: "http://localhost", "x-csrf-token": b.csrf } });
    expect(res.status).toBe(303);
  });
});

describe("login rate limit", () => {
  test("10 failures for an account → 429 with Retry-After, even with the right password", async () => {
    for (let i = 0; i < 10; i++) {
      const res = await t.api("POST", "/auth/token", { body: { email: ADMIN_EMAIL, password: `wrong-${i}-password` } });
      expect(res.status).toBe(401);
    }
    const blocked = await t.api("POST", "/auth/token", { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await blocked.json()).detail).toContain("Too many");
    t.clock.advance(15 * 60_000 + 1000);
    expect((await t.api("POST", "/auth/token", { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).status).toBe(200);
  });

  test("per client IP across accounts, with the IP from X-Forwarded-For only when TRUST_PROXY=1", async () => {
    const proxied = await createTestApp({ env: { TRUST_PROXY: "1" } });
    try {
      const attempt = (email: string, ip: string) =>
        proxied.api("POST", "/auth/token", { body: { email, password: "wrong-password" }, headers: { "x-forwarded-for": `1.1.1.1, ${ip}` } });
      for (let i = 0; i < 10; i++) expect((await attempt(`user${i}@example.com`, "203.0.113.7")).status).toBe(401);
      expect((await attempt("someone-else@example.com", "203.0.113.7")).status).toBe(429);
      expect((await attempt("someone-else@example.com", "203.0.113.8")).status).toBe(401);
    } finally {
      await proxied.close();
    }
    // Without TRUST_PROXY the header is ignored: spoofed addresses share one (unknown) bucket per account only.
    for (let i = 0; i < 10; i++) {
      await t.api("POST", "/auth/token", { body: { email: `u${i}@example.com`, password: "wrong-password" }, headers: { "x-forwarded-for": "203.0.113.9" } });
    }
    expect(
      (await t.api("POST", "/auth/token", { body: { email: "fresh@example.com", password: "wrong-password" }, headers: { "x-forwarded-for": "203.0.113.9" } }))
        .status,
    ).toBe(401);
  });

  test("the form shows the 429 message too", async () => {
    for (let i = 0; i < 10; i++) await t.api("POST", "/auth/token", { body: { email: ADMIN_EMAIL, password: "wrong-password" } });
    const res = await t.handle("/login", {
      method: "POST",
      headers: { "content-type": form },
      body: new URLSearchParams({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBeTruthy();
    expect(await res.text()).toContain("Too many failed sign-in attempts");
  });
});

describe("security headers", () => {
  const expectOnEveryResponse = (res: Response) => {
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-agnes-cli-min-version")).toMatch(/^\d+\.\d+\.\d+/);
  };

  // Asked for by a browser too: what is not a page gets the set meant for data, whoever asks.
  test.each(["/health", "/auth/me", "/api/version", "/static/app.js"])("%s, not a page, allows nothing and carries no page headers", async (path) => {
    const res = await t.handle(path, { headers: { accept: "text/html" } });
    expectOnEveryResponse(res);
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get("referrer-policy")).toBeNull();
    expect(res.headers.get("cross-origin-opener-policy")).toBeNull();
  });

  // A page, a redirect to sign in, an error page (404) and a form's redirect.
  test.each([
    ["GET", "/login"],
    ["GET", "/dashboard"],
    ["GET", "/nope"],
    ["POST", "/logout"],
  ])("%s %s, for a browser, carries the page headers", async (method, path) => {
    const res = await t.handle(path, { method, headers: { accept: "text/html", "content-type": form }, body: method === "POST" ? "" : undefined });
    expect(res.status).toBeLessThan(500);
    expectOnEveryResponse(res);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
  });

  // Every route and every kind of answer: plain JSON (sent with prebuilt headers), JSON with a status
  // or cookie of its own, pages, redirects, files, validation, auth and not-found errors, and paths
  // no route matches.
  test("every route's answers carry the fixed headers, whoever asks", async () => {
    const token = await t.login();
    const routes = (t.app.routes as { method: string; path: string }[]).map(({ method, path }) => ({ method: method === "ALL" ? "GET" : method, path }));
    routes.push({ method: "GET", path: "/no-such-page" }, { method: "DELETE", path: "/api/no-such-thing" });
    const askers: Record<string, string>[] = [{ accept: "application/json", authorization: `Bearer ${token}` }, { accept: "text/html" }, {}];
    let answers = 0;
    for (const { method, path } of routes) {
      const target = path.replace(/:[A-Za-z_]+/g, "x").replace("*", "x");
      for (const asker of askers) {
        const body = method === "GET" || method === "HEAD" ? undefined : "{}";
        const res = await t.handle(target, { method, headers: { ...asker, ...(body ? { "content-type": "application/json" } : {}) }, body });
        answers++;
        const seen = {
          route: `${method} ${path}`,
          nosniff: res.headers.get("x-content-type-options"),
          frame: res.headers.get("x-frame-options"),
          csp: res.headers.get("content-security-policy")?.includes("frame-ancestors 'none'"),
          cache: res.headers.has("cache-control"),
          cli: res.headers.has("x-agnes-cli-min-version"),
        };
        expect(seen).toEqual({ route: `${method} ${path}`, nosniff: "nosniff", frame: "DENY", csp: true, cache: true, cli: true });
      }
    }
    expect(answers).toBeGreaterThan(150);
  });

  test("pages carry no inline script", async () => {
    const page = await (await t.handle("/login")).text();
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/\son[a-z]+=/i);
  });
});

test("health and version", async () => {
  expect(await (await t.handle("/health")).json()).toEqual({ status: "ok", version: expect.any(String) });
  expect(await (await t.handle("/api/version")).json()).toEqual({ version: expect.any(String), commit: "test" });
});

test("the request log has method, path, status and ms, but no query strings or secrets", async () => {
  await t.api("POST", "/auth/token", { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  await t.handle("/login?next=/secret-path");
  // The request line is written after the response; poll for both (every 5 ms, up to 2 s).
  const logged = (method: string, path: string) =>
    t.log.lines.some((line) => {
      const entry = JSON.parse(line);
      return entry.event === "request" && entry.method === method && entry.path === path;
    });
  for (const deadline = Date.now() + 2_000; !(logged("POST", "/auth/token") && logged("GET", "/login")) && Date.now() < deadline; ) await Bun.sleep(5);
  const lines = t.log.lines.map((l) => JSON.parse(l)).filter((l) => l.event === "request");
  expect(lines.length).toBeGreaterThanOrEqual(2);
  expect(lines[0]).toMatchObject({ method: "POST", path: "/auth/token", status: 200, ms: expect.any(Number) });
  const all = t.log.lines.join("\n");
  expect(all).not.toContain(ADMIN_PASSWORD);
  expect(all).not.toContain("secret-path");
});

describe("authorisation comes before validation", () => {
  test("an anonymous request with a malformed body gets 401, not a schema hint", async () => {
    for (const [path, body] of [
      ["/api/users", { email: 1 }],
      ["/api/users/nope/set-password", {}],
      ["/auth/tokens", { expires_in_days: "x" }],
    ] as const) {
      const res = await t.handle(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      expect(res.status).toBe(401);
    }
  });
});
