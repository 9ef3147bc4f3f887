// The metrics' route label: every request that Elysia routes to a route is labelled with that
// route's template, whatever the parameter values; paths no route has are unlabelled ("unmatched").
// Checked against the app's real route list, so a new route with an odd path is covered too.
import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import { createTestApp, type TestApp } from "../helpers/app";
import { RouteTemplates } from "../../src/http/route-templates";
import { pathOf } from "../../src/http/front-door";

let t: TestApp;
let templates: RouteTemplates;
beforeAll(async () => {
  t = await createTestApp();
  templates = new RouteTemplates(t.app.routes);
});
afterAll(() => t.close());

const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,24}$/);

/** A concrete path for a template: each `:param` and a trailing `*` filled with a generated segment. */
function concrete(template: string, values: string[]): string {
  let i = 0;
  return template.replace(/:[^/]+/g, () => values[i++ % values.length]!).replace(/\*$/, values[0]!);
}

test("every route's concrete paths are labelled with its template, with or without a trailing slash", () => {
  const routes = t.app.routes.filter((r) => r.method !== "WS");
  expect(routes.length).toBeGreaterThan(50);
  fc.assert(
    fc.property(fc.constantFrom(...routes), fc.array(segment, { minLength: 1, maxLength: 3 }), fc.boolean(), (route, values, slash) => {
      let path = concrete(route.path, values);
      if (slash && !path.endsWith("/") && !route.path.endsWith("*")) path += "/";
      const label = templates.of(route.method, path);
      // A fixed path may shadow a parameter at the same place (`/users/new` before `/users/:id`).
      expect(label === route.path || (label !== undefined && !/[:*]/.test(label) && label.replace(/\/$/, "") === path.replace(/\/$/, ""))).toBe(true);
    }),
    { numRuns: 2000 },
  );
});

test("HEAD is labelled as the GET route; a path or method no route has is unlabelled", () => {
  expect(templates.of("HEAD", "/health")).toBe("/health");
  expect(templates.of("GET", "/no/such/route")).toBeUndefined();
  expect(templates.of("BREW", "/health")).toBeUndefined();
  fc.assert(
    fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (parts) => {
      expect(templates.of("GET", `/zz-${parts.join("/")}`)).toBeUndefined();
    }),
  );
});

test("pathOf takes the path of an absolute URL without its query", () => {
  expect(pathOf("http://127.0.0.1:8080/auth/me?x=1")).toBe("/auth/me");
  expect(pathOf("http://[::1]:80/a/b")).toBe("/a/b");
  expect(pathOf("http://localhost")).toBe("/");
  expect(pathOf("http://h/?q=/x")).toBe("/");
});
