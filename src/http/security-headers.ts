// Security headers, in two sets (the split the OWASP REST Security Cheat Sheet draws):
// - on every response: no MIME sniffing, no framing, no caching by default (responses carry user
//   data; static assets and downloads override that), and a CSP that allows nothing, for what is
//   not a page;
// - on the routes of the modules that serve pages (createApp's third group, whatever a route
//   answers) and on every answer to a browser navigation besides: the page CSP (no inline script
//   at all: the little JavaScript pages use is served from /static/app.js), Referrer-Policy and
//   COOP. They only mean something to a document, and each header costs every cheap JSON answer.
// Referrer-Policy is same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null`
// on our own form posts.
import { Elysia } from "elysia";
import { CLI_MIN_VERSION_HEADER } from "../shared/contract";

export const RESPONSE_HEADERS: Record<string, string> = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

export const PAGE_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
};

/** Every response's fixed headers: the security headers and the oldest `da` this server serves. */
export function fixedHeaders(cliMinVersion: string): Record<string, string> {
  return { ...RESPONSE_HEADERS, [CLI_MIN_VERSION_HEADER]: cliMinVersion };
}

/** Adds the fixed headers a response does not set itself (a route may set its own Cache-Control or CSP). */
export function addFixedHeaders(headers: Record<string, string | number>, fixed: Record<string, string>): void {
  for (const name in fixed) if (!(name in headers)) headers[name] = fixed[name]!;
}

/**
 * The fixed headers on every answer of the routes registered after this plugin (all of them: createApp
 * installs it first). A plain JSON body with no headers or cookies of its own, most API answers,
 * goes out with one prebuilt Headers object, which Bun copies natively; anything else gets the fixed
 * headers it lacks added to `set.headers`. Elysia's own `.headers()` copies them into a new object
 * for every request, which Bun then converts header by header: about 0.8 µs of a cheap JSON answer
 * (bench:auth). An answer from onError does not pass through here: the error handler adds them.
 * The hook's own body must not read `return f(…)`: Elysia would take it for an async hook and make
 * every route async (test/http/synchronous-reads.test.ts).
 */
export function fixedHeadersOnResponses(fixed: Record<string, string>) {
  const prebuilt = new Headers(fixed);
  return new Elysia({ name: "fixed-headers" }).mapResponse({ as: "global" }, ({ responseValue, set }) => {
    const answer = plainJsonAnswer(responseValue, set, prebuilt);
    if (answer === undefined) addFixedHeaders(set.headers, fixed);
    return answer;
  });
}

type ResponseSet = { headers: Record<string, string | number>; status?: number | string; cookie?: unknown };

function plainJsonAnswer(value: unknown, set: ResponseSet, headers: Headers): Response | undefined {
  if (!isPlainJson(value) || set.cookie !== undefined || typeof set.status !== "number" || !isEmpty(set.headers)) return undefined;
  return Response.json(value, { status: set.status, headers });
}

function isPlainJson(value: unknown): value is object {
  return typeof value === "object" && value !== null && (value.constructor === Object || Array.isArray(value));
}

function isEmpty(headers: Record<string, unknown>): boolean {
  for (const _ in headers) return false;
  return true;
}

/**
 * The page headers for every route registered after this plugin (createApp's pages and forms),
 * set before anything else of the route runs, so a handler can still adjust them (/cli/authorize
 * widens form-action). The error handler adds them to what it answers a browser.
 */
export function pageHeaders() {
  return new Elysia({ name: "page-headers" }).onTransform({ as: "global" }, ({ set }) => {
    Object.assign(set.headers, PAGE_HEADERS);
  });
}
