// `next` (and the admin pages' `back`) with path tricks: every redirect the server answers with must
// stay on the server's own origin, read the way a browser reads it (backslashes as slashes, tabs and
// newlines dropped), and never be scheme-relative.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { ADMIN_EMAIL, ADMIN_PASSWORD, Harness } from "./harness";
import { offSiteLocation } from "./invariants";
import { rawRequest } from "./raw-http";

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});
afterAll(async () => {
  await h?.stop();
});

const PIECES = [
  "/",
  "//",
  "///",
  "\\",
  "/\\",
  "\\\\",
  "/./",
  "/../",
  "/.%2e/",
  "/%2e%2e/",
  "%2f",
  "/%2f",
  "/%2F%2F",
  "%5c",
  "/%5c",
  "/%5C%5C",
  "%2e",
  "%252f",
  "%252F%252F",
  "%255c",
  "\t",
  "\n",
  "\r",
  "%09",
  "%0a",
  "%0d",
  "/%09/",
  "/\t/",
  " ",
  "%20",
  "@",
  "%40",
  ":",
  "%3a",
  "#",
  "?",
  ";",
  "..;/",
  "http:",
  "https:",
  "javascript:",
  "data:",
  "//evil.example",
  "evil.example",
  "127.0.0.1",
  "evil.example:80",
  "/dashboard",
  "/profile",
  "ü",
  "%E2%80%AE",
  "%00",
  "\u3002",
  "\uff0f",
  "\u2215",
];
export const nextArb = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 6 }).map((p) => p.join("")),
  fc.constantFrom(
    "/\\evil.example",
    "/%09/evil.example",
    "//evil.example/%2e%2e",
    "/\t/evil.example",
    "\\/evil.example",
    "/.//evil.example",
    "/..//evil.example",
    "/%2e%2e//evil.example",
    "http://evil.example",
    "https:evil.example",
    "/\r\n/evil.example",
    "%2F%2Fevil.example",
    "/%5cevil.example",
  ),
);

/** The query form of a value: percent-encoded, or only as much as keeps the request line intact. */
const inQuery = (value: string, raw: boolean) => (raw ? value.replace(/[\s#&%]/g, (c) => encodeURIComponent(c)) : encodeURIComponent(value));

function onSite(location: string | undefined, status: number): string | null {
  if (location === undefined) return status >= 300 && status < 400 ? "redirect without Location" : null;
  return offSiteLocation(location, h.origin);
}

async function send(method: string, target: string, headers: [string, string][], body?: string) {
  return rawRequest(h.port, { method, target, headers: [["Host", `127.0.0.1:${h.port}`], ["Connection", "close"], ...headers], body }, 30_000);
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM: [string, string] = ["Content-Type", "application/x-www-form-urlencoded"];

describe("redirects stay on this site", () => {
  test("GET /login?next= when already signed in", async () => {
    await fc.assert(
      fc.asyncProperty(nextArb, fc.boolean(), async (next, raw) => {
        const res = await send("GET", `/login?next=${inQuery(next, raw)}`, [
          ["Cookie", `access_token=${h.accounts.adminToken}`],
          ["Accept", "text/html"],
        ]);
        expect(res.status).toBeLessThan(500);
        expect(onSite(res.headers.location, res.status)).toBeNull();
      }),
      { numRuns: 300, plugins: [fc.interruptAfterTimeLimit(20_000)] },
    );
  });

  test("GET /login?next= renders a form whose next stays on this site", async () => {
    await fc.assert(
      fc.asyncProperty(nextArb, async (next) => {
        const res = await send("GET", `/login?next=${encodeURIComponent(next)}`, [["Accept", "text/html"]]);
        expect(res.status).toBe(200);
        const hidden = /name="next" value="([^"]*)"/.exec(res.body)?.[1];
        if (hidden !== undefined) {
          const decoded = hidden
            .replace(/&amp;/g, "&")
            .replace(/&quot;/g, '"')
            .replace(/&lt;/g, "<")
            .replace(/&gt;/g, ">")
            .replace(/&#39;/g, "'");
          expect(offSiteLocation(decoded, h.origin)).toBeNull();
        }
      }),
      { numRuns: 200, plugins: [fc.interruptAfterTimeLimit(15_000)] },
    );
  });

  test("POST /login with valid credentials and next in the form or the query", async () => {
    await fc.assert(
      fc.asyncProperty(nextArb, fc.constantFrom("form", "query", "both"), async (next, where) => {
        const fields: Record<string, string> = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };
        if (where !== "query") fields.next = next;
        const target = where === "form" ? "/login" : `/login?next=${encodeURIComponent(where === "both" ? "/dashboard" : next)}`;
        const res = await send("POST", target, [FORM, ["Accept", "text/html"]], form(fields));
        expect(res.status).toBe(303);
        expect(onSite(res.headers.location, res.status)).toBeNull();
      }),
      { numRuns: 60, plugins: [fc.interruptAfterTimeLimit(20_000)] },
    );
  });

  test("admin user forms: back= decides where the form returns to", async () => {
    await fc.assert(
      fc.asyncProperty(nextArb, async (back) => {
        const res = await send(
          "POST",
          `/admin/users/${h.accounts.victimId}/role`,
          [FORM, ["Authorization", `Bearer ${h.accounts.adminToken}`], ["Accept", "text/html"]],
          form({ role: "analyst", back }),
        );
        expect(res.status).toBe(303);
        expect(onSite(res.headers.location, res.status)).toBeNull();
      }),
      { numRuns: 150, plugins: [fc.interruptAfterTimeLimit(15_000)] },
    );
  });

  test("the sign-in redirect for an anonymous page request keeps the path as next, on this site", async () => {
    await fc.assert(
      fc.asyncProperty(nextArb, async (path) => {
        const target = `/dashboard${inQuery(path, true).replace(/^[^/]/, "/$&")}`;
        const res = await send("GET", target, [["Accept", "text/html"]]);
        expect(res.status).toBeLessThan(500);
        expect(onSite(res.headers.location, res.status)).toBeNull();
      }),
      { numRuns: 150, plugins: [fc.interruptAfterTimeLimit(15_000)] },
    );
  });
});
