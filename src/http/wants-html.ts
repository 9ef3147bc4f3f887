import { corsMethods } from "./cors";
import { requestUrl } from "./request-url";

// The "HTML redirect" rule from the spec, decided in one place: a browser navigation (not under
// /api/ or /auth/, not a probe, Accept has text/html or */* or is empty, and does not ask for JSON
// only) gets pages — a redirect to /login, a 403 page, a 404 page; everything else gets JSON.

// Probes are never pages, whatever Accept says: Prometheus and `curl` send `*/*`, and a scraper
// told 302 → /login would record a redirect, not the 401 the contract promises.
const PROBES = new Set(["/health", "/ready", "/metrics"]);

export function wantsHtml(request: Request): boolean {
  const path = requestUrl(request).pathname;
  if (path.startsWith("/api/") || path.startsWith("/auth/") || path === "/api" || path === "/auth") return false;
  // The router also matches a path with a trailing slash.
  const bare = path.endsWith("/") ? path.slice(0, -1) : path;
  // The protocol endpoints open to other origins (MCP, OAuth's JSON endpoints; /oauth/authorize is
  // the one OAuth page) are called by programs whatever they send as Accept: a refusal is JSON, and
  // /mcp's 401 keeps its WWW-Authenticate challenge rather than becoming a redirect to /login.
  if (corsMethods(bare) !== null || PROBES.has(bare) || path.startsWith("/.well-known/")) return false;
  // /cli/* serves binaries and scripts, except the page that asks a person to approve `da`.
  if (path.startsWith("/cli/") && path !== "/cli/authorize") return false;
  const accept = (request.headers.get("accept") ?? "").toLowerCase();
  if (accept.trim() === "") return true;
  if (accept.includes("text/html")) return true;
  const jsonOnly = accept.includes("application/json") && !accept.includes("*/*");
  return accept.includes("*/*") && !jsonOnly;
}

/** Where to come back to after signing in: the original path and query. */
export function loginRedirectFor(request: Request): string {
  const url = requestUrl(request);
  return `/login?next=${encodeURIComponent(url.pathname + url.search)}`;
}
