// CSRF defence, two layers:
// 1. Every state-changing request from a browser must come from this site: a cross-site
//    Sec-Fetch-Site, or an Origin other than ours, is refused (covers the sign-in and setup forms).
// 2. Every state-changing request authenticated by the session cookie must also carry the session's
//    CSRF token (form field `_csrf` or header `X-CSRF-Token`): an HMAC of the session id, so it needs
//    no storage and dies with the session. Bearer-authenticated requests carry no ambient
//    credential and need neither.
import { macOf, sameSecret } from "../shared/signing";
import type { Config } from "../config";
import { Forbidden } from "../shared/errors";
import { requestOrigin } from "./forwarded";
import { requestUrl } from "./request-url";

export const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function assertSameSite(request: Request, config: Pick<Config, "publicUrl" | "trustProxy">): void {
  if (SAFE_METHODS.has(request.method)) return;
  const site = request.headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") throw new Forbidden("Cross-site request refused");
  // Set by the browser itself, so a page on another site cannot forge it.
  if (site === "same-origin") return;
  const origin = request.headers.get("origin");
  if (origin === null) return;
  if (!allowedOrigins(request, config).includes(origin)) throw new Forbidden("Cross-site request refused");
}

function allowedOrigins(request: Request, config: Pick<Config, "publicUrl" | "trustProxy">): string[] {
  const url = requestUrl(request);
  const host = request.headers.get("host") ?? url.host;
  const origins = [`${url.protocol}//${host}`];
  if (config.publicUrl) origins.push(new URL(config.publicUrl).origin);
  // Behind the trusted proxy, the origin the browser used (the same rule links are built by).
  if (config.trustProxy) {
    const seen = requestOrigin(request, config);
    origins.push(`${seen.proto}://${seen.host}`);
  }
  return origins;
}

export function csrfTokenFor(sessionId: string, secret: string): string {
  return macOf("csrf", sessionId, secret);
}

export function assertCsrfToken(request: Request, body: unknown, sessionId: string, secret: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const fromBody = body && typeof body === "object" ? (body as Record<string, unknown>)._csrf : undefined;
  const given = request.headers.get("x-csrf-token") ?? (typeof fromBody === "string" ? fromBody : "");
  if (!sameSecret(given, csrfTokenFor(sessionId, secret))) {
    throw new Forbidden("Missing or invalid CSRF token: reload the page and try again");
  }
}
