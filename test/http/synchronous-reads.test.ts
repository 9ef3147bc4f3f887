// A route whose handler answers synchronously must stay synchronous once every global hook is
// applied: Elysia then composes it without a promise, which is a tenth of a cheap answer's cost
// (bench:auth, /health). Elysia decides from each hook's source text whether it is async: a hook
// whose body reads `return someCall(` counts as async, and one such global hook makes every route
// async. The fixed-headers hook (src/http/security-headers.ts) once did exactly that.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

// Routes whose handlers return a value, not a promise: the reads before the body parser, and
// reads behind the `auth` guard, which resolves a token or a checked session token at once
// (src/http/credential-check.ts) and which the body parser leaves alone (src/app.ts).
const SYNCHRONOUS = ["GET /health", "GET /api/version", "GET /auth/me", "GET /auth/scopes"];

test("routes with a synchronous handler are composed without a promise", () => {
  // `compile` is the composed handler Elysia (and Bun's router) calls for the route.
  const routes = t.app.routes as unknown as { method: string; path: string; compile: () => (...args: unknown[]) => unknown }[];
  const asyncOnes = SYNCHRONOUS.filter((name) => {
    const route = routes.find((r) => `${r.method} ${r.path}` === name);
    if (!route) return true;
    return route.compile().constructor.name === "AsyncFunction";
  });
  expect(asyncOnes).toEqual([]);
});

test("a synchronous route still answers with the fixed headers", async () => {
  const res = await t.handle("/health");
  expect(res.status).toBe(200);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("cache-control")).toBe("no-store");
  expect(await res.json()).toMatchObject({ status: "ok" });
});

test("no GET or HEAD route carries the body parser (Elysia would compose it async)", () => {
  const routes = t.app.routes as unknown as { method: string; path: string; hooks: { parse?: unknown[] } }[];
  const withParser = routes.filter((r) => (r.method === "GET" || r.method === "HEAD") && r.hooks.parse?.length).map((r) => `${r.method} ${r.path}`);
  expect(withParser).toEqual([]);
  // Every other route keeps it (they all come after it: test/http/body-routes.test.ts), so no body
  // is read without its size and depth limits.
  const writes = routes.filter((r) => r.method !== "GET" && r.method !== "HEAD");
  expect(writes.length).toBeGreaterThan(50);
  expect(writes.filter((r) => !r.hooks.parse?.length).map((r) => `${r.method} ${r.path}`)).toEqual([]);
});

test("a PAT answers /auth/me from a synchronous route, with the scope checked", async () => {
  const session = await t.login();
  const created = await (await t.api("POST", "/auth/tokens", { token: session, body: { name: "read only", scopes: ["query"] } })).json();
  expect((await t.api("GET", "/auth/me", { token: created.token })).status).toBe(403);
  const withProfile = await (await t.api("POST", "/auth/tokens", { token: session, body: { name: "profile", scopes: ["profile:read"] } })).json();
  const res = await t.api("GET", "/auth/me", { token: withProfile.token });
  expect(res.status).toBe(200);
  expect((await res.json()).auth).toBe("pat");
});
