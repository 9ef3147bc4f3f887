// Every route that takes a body reads it through the one body parser (src/http/request-body.ts),
// whatever its place in src/app.ts: a route registered before the parser would fall back to
// Elysia's own, with no per-route size cap and no depth check. Sent to every such route, a body
// one byte over the largest cap must be refused with our 413, signed in or not.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { DEFAULT_BODY_BYTES } from "../../src/http/request-body";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

test("every route with a body refuses one over the cap with the parser's 413", async () => {
  const routes = t.app.routes.filter((r) => BODY_METHODS.has(r.method));
  expect(routes.length).toBeGreaterThan(20);
  const body = JSON.stringify({ filler: "x".repeat(DEFAULT_BODY_BYTES) });
  const refusedBy: string[] = [];
  for (const route of routes) {
    const path = route.path.replace(/:[^/]+/g, "x").replace(/\*$/, "x");
    const res = await t.handle(path, { method: route.method, headers: { "content-type": "application/json", accept: "application/json" }, body });
    const detail = res.status === 413 ? ((await res.json()) as { detail: string }).detail : "";
    if (!detail.includes("larger than this route accepts")) refusedBy.push(`${route.method} ${route.path}: ${res.status}`);
  }
  expect(refusedBy).toEqual([]);
});
