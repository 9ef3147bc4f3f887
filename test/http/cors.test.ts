// CORS: the bearer-only endpoints a browser-based MCP client calls from its own origin answer
// preflights and open their answers to any origin (without credentials); every cookie route stays
// closed to other origins, and a cross-site request that carries a cookie is still refused.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { registerClient } from "../helpers/oauth";

const INSPECTOR = "http://localhost:6274";
/** What Chromium adds to a fetch from a page of another site. */
const CROSS_SITE = { origin: INSPECTOR, "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors" };
const OPEN: [string, string][] = [
  ["/mcp", "POST"],
  ["/.well-known/oauth-protected-resource", "GET"],
  ["/.well-known/oauth-protected-resource/mcp", "GET"],
  ["/.well-known/oauth-authorization-server", "GET"],
  ["/oauth/register", "POST"],
  ["/oauth/token", "POST"],
  ["/oauth/revoke", "POST"],
];
const CLOSED = [
  "/oauth/authorize",
  "/profile",
  "/",
  "/login",
  "/api/users",
  "/api/query",
  "/auth/me",
  "/auth/tokens",
  "/auth/oauth/grants",
  "/admin/oauth-clients",
];

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login();
});
afterAll(() => t.close());

const corsHeadersOf = (res: Response) => Object.keys(res.headers.toJSON()).filter((k) => k.startsWith("access-control-"));
const preflight = (path: string, method: string, requestHeaders = "authorization, content-type, mcp-protocol-version") =>
  t.handle(path, { method: "OPTIONS", headers: { ...CROSS_SITE, "access-control-request-method": method, "access-control-request-headers": requestHeaders } });

describe("open endpoints", () => {
  test.each(OPEN)("a preflight of %s (%s) is answered for any origin, without credentials", async (path, method) => {
    const res = await preflight(path, method);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")!.split(", ")).toContain(method);
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("the MCP transport's headers are allowed, and GET and DELETE on /mcp", async () => {
    const res = await preflight("/mcp", "DELETE", "authorization, content-type, accept, mcp-protocol-version, mcp-session-id, last-event-id");
    const allowed = res.headers.get("access-control-allow-headers")!.toLowerCase().split(", ");
    for (const h of ["authorization", "content-type", "accept", "mcp-protocol-version", "mcp-session-id", "last-event-id"]) expect(allowed).toContain(h);
    expect(res.headers.get("access-control-allow-methods")).toBe("GET, POST, DELETE");
  });

  test.each(["", "*/*"])("a 401 from /mcp without a token (Accept %p) is readable by the page: origin open, WWW-Authenticate exposed", async (accept) => {
    const res = await t.handle("/mcp", { method: "POST", headers: { ...CROSS_SITE, accept, "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(401);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-expose-headers")!.toLowerCase().split(", ")).toEqual(["www-authenticate", "mcp-session-id", "mcp-protocol-version"]);
    expect(res.headers.get("www-authenticate")).toContain('resource_metadata="http://localhost/.well-known/oauth-protected-resource"');
  });

  test("a cross-site tools/list with a bearer token works", async () => {
    const pat = ((await (await t.api("POST", "/auth/tokens", { token: admin, body: { name: "inspector" } })).json()) as { token: string }).token;
    const res = await t.handle("/mcp", {
      method: "POST",
      headers: { ...CROSS_SITE, authorization: `Bearer ${pat}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(((await res.json()) as { result: { tools: unknown[] } }).result.tools.length).toBe(4);
  });

  test("discovery, registration and token answers from another site are open to it", async () => {
    const meta = await t.handle("/.well-known/oauth-authorization-server", { headers: { ...CROSS_SITE, "mcp-protocol-version": "2025-06-18" } });
    expect(meta.status).toBe(200);
    expect(meta.headers.get("access-control-allow-origin")).toBe("*");
    const reg = await t.handle("/oauth/register", {
      method: "POST",
      headers: { ...CROSS_SITE, "content-type": "application/json" },
      body: JSON.stringify({ client_name: "Inspector", redirect_uris: [`${INSPECTOR}/oauth/callback`] }),
    });
    expect(reg.status).toBe(201);
    expect(reg.headers.get("access-control-allow-origin")).toBe("*");
    const clientId = ((await reg.json()) as { client_id: string }).client_id;
    const token = await t.handle("/oauth/token", {
      method: "POST",
      headers: { ...CROSS_SITE, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: clientId,
        code: "nope",
        code_verifier: "x".repeat(43),
        redirect_uri: `${INSPECTOR}/oauth/callback`,
      }),
    });
    expect(token.status).toBe(400);
    expect(((await token.json()) as { error: string }).error).toBe("invalid_grant");
    expect(token.headers.get("access-control-allow-origin")).toBe("*");
    const revoke = await t.handle("/oauth/revoke", {
      method: "POST",
      headers: { ...CROSS_SITE, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: "agnes_ort_nothing", client_id: clientId }),
    });
    expect(revoke.status).toBe(200);
    expect(revoke.headers.get("access-control-allow-origin")).toBe("*");
  });

  test("a cross-site request that carries a cookie is still refused, even on an open endpoint", async () => {
    const browser = await t.browser();
    for (const path of ["/oauth/register", "/oauth/token", "/mcp"]) {
      const res = await browser.raw(path, {
        method: "POST",
        headers: { ...CROSS_SITE, "content-type": "application/json" },
        body: JSON.stringify({ client_name: "x", redirect_uris: ["https://a.example/cb"] }),
      });
      expect(res.status).toBe(403);
    }
    expect(await registerClient(t)).toBeString(); // the same-origin path still works
  });
});

describe("cookie routes stay closed to other origins", () => {
  test.each(CLOSED)("%s sends no CORS header, to a preflight or a request", async (path) => {
    expect(corsHeadersOf(await preflight(path, "POST"))).toEqual([]);
    expect(corsHeadersOf(await t.handle(path, { headers: { ...CROSS_SITE, authorization: `Bearer ${admin}` } }))).toEqual([]);
  });

  test("a cross-site state change with a bearer token on /api/* is refused as before", async () => {
    const res = await t.handle("/api/query", {
      method: "POST",
      headers: { ...CROSS_SITE, authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: '{"sql":"SELECT 1"}',
    });
    expect(res.status).toBe(403);
    expect(corsHeadersOf(res)).toEqual([]);
  });
});
