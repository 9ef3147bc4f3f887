// Headers on every response. The CSP allows no inline script at all: the little JavaScript pages
// use is served from /static/app.js. Responses are not cached by default (they carry user data);
// static assets and downloads override that. Referrer-Policy is same-origin, not no-referrer:
// with no-referrer Chromium sends `Origin: null` on our own form posts.
import { CLI_MIN_VERSION_HEADER } from "../shared/contract";

export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cache-control": "no-store",
};

/** Every response's fixed headers: the security headers and the oldest `da` this server serves. */
export function fixedHeaders(cliMinVersion: string): Record<string, string> {
  return { ...SECURITY_HEADERS, [CLI_MIN_VERSION_HEADER]: cliMinVersion };
}
