// Property-based hostile requests against the real server process, one property per hostile
// dimension, each drawing routes from the one table in ./routes.ts. Invariants: ./invariants.ts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp } from "../helpers/app";
import { Harness } from "./harness";
import { hostileInputArb, TEST_SIZES, type Dimension } from "./generators";
import { assertHostile, hostileProperty } from "./invariants";
import { ROUTES, routeName } from "./routes";

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});
afterAll(async () => {
  await h?.stop();
});

test("the route table lists exactly the routes the app has", async () => {
  const t = await createTestApp();
  try {
    const actual = t.app.routes
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => !r.startsWith("HEAD "))
      .sort();
    expect(ROUTES.map(routeName).sort()).toEqual([...new Set(actual)]);
  } finally {
    await t.close();
  }
});

// Runs per dimension: enough that every route is drawn about twice; the fuzz bench runs far more.
const RUNS = 120;
const LIMIT_MS = 20_000;

describe("hostile requests keep every invariant", () => {
  const dimensions: [Dimension, string][] = [
    ["host", "Host header: bad ports, broken IPv6 literals, extra colons, spaces, unicode, none"],
    ["cookie", "Cookie: malformed, huge, bad percent-encoding, many cookies, forged sessions"],
    ["authorization", "Authorization: garbage, wrong schemes, bad PAT checksums, JWT look-alikes, alg:none"],
    ["framing", "Content-Type and Content-Length: wrong, missing, odd parameters, mismatched lengths"],
    ["origin", "Origin: foreign, null, garbage"],
    ["body", "bodies: wrong types, big strings, deep nesting, invalid UTF-8, JSON vs form vs multipart"],
    ["query", "query strings: repeated keys, huge values, bad percent-encoding"],
    ["method", "methods: unexpected and unknown verbs"],
  ];
  for (const [dimension, what] of dimensions) {
    test(
      what,
      async () => {
        await assertHostile(hostileProperty(h, hostileInputArb(ROUTES, dimension, TEST_SIZES)), RUNS, LIMIT_MS);
      },
      LIMIT_MS + 30_000,
    );
  }
});
