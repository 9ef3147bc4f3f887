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

// The routes before the body parser whose handlers return a value, not a promise (src/app.ts).
const SYNCHRONOUS = ["GET /health", "GET /api/version"];

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
