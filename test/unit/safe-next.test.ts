// `next` → Location: whatever path tricks are combined, the Location we would send resolves to our
// own origin, and is never scheme-relative. `/.//evil.com` once became `//evil.com`.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { safeNextPath } from "../../src/http/safe-next";

const ORIGIN = "https://agnes.example.com";
const PIECES = [
  "/",
  "//",
  "\\",
  "/\\",
  ".",
  "..",
  "./",
  "../",
  "/./",
  "/../",
  "%2e",
  "%2E",
  "%2e%2e",
  "%2f",
  "%2F",
  "%5c",
  "%5C",
  "%252f",
  "%09",
  "\t",
  "\n",
  "\r",
  " ",
  "%20",
  "@",
  ":",
  "?",
  "#",
  "evil.com",
  "evil.com:443",
  "https:",
  "javascript:",
  "admin",
  "users",
  "\u3002",
  "\uff0f",
  "\u2215",
  "%00",
  "\u0000",
  "\u00a0",
  "&",
  "=",
];
const trick = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((parts) => parts.join(""));

test("every Location stays on our origin and is a plain local path", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        trick,
        trick.map((s) => `/${s}`),
        fc.string(),
      ),
      (next) => {
        const location = safeNextPath(next);
        expect(location).toMatch(/^\/(?![/\\])/);
        expect(new URL(location, ORIGIN).origin).toBe(ORIGIN);
        // What the browser would do with the Location header: still our origin.
        expect(location).not.toMatch(/[\u0000-\u001f\\]/);
      },
    ),
    { numRuns: 5_000 },
  );
});

test.each(["/.//evil.com", "/a/..//evil.com", "/%2e//evil.com", "/..//evil.com/x?y", "/foo/%2e%2e//evil", "/./\\evil.com", "/\t/evil.com"])(
  "%p falls back to /dashboard",
  (next) => {
    expect(safeNextPath(next)).toBe("/dashboard");
  },
);

test("ordinary paths keep their query and fragment", () => {
  expect(safeNextPath("/admin/users?q=a b&role=admin#top")).toBe("/admin/users?q=a%20b&role=admin#top");
  expect(safeNextPath("/profile")).toBe("/profile");
});
