// The front door: one step around every request, before routing and after the response is built.
//   before  refuse a Host that is not a valid host[:port] (400) and a cross-site state change (403);
//           answer CORS preflights of the endpoints open to other origins (cors.ts); wait for the
//           first signature check of a session token a write carries (credential-check.ts)
//   routing again  a read whose session token was still being checked, once the check is done
//   after   open those endpoints' answers to other origins; write the request's log line and count
//           it in the metrics (by route template)
// It is an Elysia `wrap` — the step Elysia's own OpenTelemetry plugin uses — rather than onRequest
// and onAfterResponse hooks: those cost every route a context copy, a try block and a setImmediate
// per request, a large share of a cheap request's time (docs/architecture.md, "The request pipeline").
import type { AppContext } from "../context";
import { errorSummary } from "./error-summary";
import { assertSameSite } from "./csrf";
import { corsMethods, preflightResponse, withCors } from "./cors";
import { BadRequest, HttpError } from "../shared/errors";
import { hasValidHost } from "./request-url";
import { RouteTemplates } from "./route-templates";
import { checkBeforeRouting, takePendingCheck } from "./credential-check";

// Elysia types the routed handler loosely; it takes the request and answers a Response or its promise.
type Handle = (...args: unknown[]) => unknown;
export type Refuse = (request: Request, error: HttpError) => Promise<Response>;
type Route = { method: string; path: string };

export function frontDoor(ctx: AppContext, refuse: Refuse, routes: () => readonly Route[], fixed: Record<string, string>) {
  // Built at the first request: every route is registered by then.
  let templates: RouteTemplates | null = null;

  /** Log line and metrics. It runs after the response is built, where nothing may throw. */
  const record = (request: Request, path: string, response: Response, startedAt: number): Response => {
    try {
      const seconds = (performance.now() - startedAt) / 1000;
      const { method } = request;
      ctx.log.request(method, path, response.status, Math.round(seconds * 10_000) / 10);
      templates ??= new RouteTemplates(routes());
      ctx.metrics.observeRequest(method, templates.of(method, path), response.status, seconds);
    } catch (error) {
      ctx.log.error("hook.failed", { hook: "request.log", error: errorSummary(error) });
    }
    return response;
  };

  // Elysia calls this with the routed handler and the request, and what it returns with the request.
  return (handle: Handle, request: Request) => (): Response | Promise<Response> => {
    const startedAt = performance.now();
    const path = pathOf(request.url);
    const cors = corsMethods(path);
    const done = cors === null ? (r: Response) => record(request, path, r, startedAt) : (r: Response) => record(request, path, withCors(r), startedAt);
    const refusal = refusalOf(request, ctx, path, cors !== null);
    if (refusal) return refuse(request, refusal).then(done);
    if (cors !== null && request.method === "OPTIONS") return record(request, path, preflightResponse(cors, fixed), startedAt);
    const check = checkBeforeRouting(ctx, request);
    if (check) return check.then(() => handle(request) as Response | Promise<Response>).then(done);
    const response = handle(request) as Response | Promise<Response>;
    if (response instanceof Promise) return response.then((r) => routeAgainWhenChecked(request, handle)?.then(done) ?? done(r));
    return done(response);
  };
}

/** A read whose session token was still being checked is routed once more when the check is done (credential-check.ts). */
function routeAgainWhenChecked(request: Request, handle: Handle): Promise<Response> | null {
  const check = takePendingCheck(request);
  if (check === undefined) return null;
  const again = () => handle(request) as Response | Promise<Response>;
  return check.then(again, again);
}

// What answers a request without a Host header (HTTP/1.0 health checks of some load balancers).
const ANSWERED_WITHOUT_HOST = new Set(["/health", "/ready"]);

function refusalOf(request: Request, ctx: AppContext, path: string, openToOtherOrigins: boolean): HttpError | null {
  if (!hasValidHost(request)) return new BadRequest("The Host header is not a valid host[:port]");
  // Without a Host, Bun hands over a relative URL, and Elysia's router would take the wrong part of
  // it for the path (`/x/api/users` would run /api/users, logged as `/x/api/users`).
  if (request.url.startsWith("/") && !ANSWERED_WITHOUT_HOST.has(path)) {
    return new BadRequest("Send a Host header: without one only /health and /ready answer");
  }
  // A bearer-only endpoint may be called from another origin, as long as no cookie rides along (cors.ts).
  if (openToOtherOrigins && !request.headers.has("cookie")) return null;
  try {
    assertSameSite(request, ctx.config);
    return null;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
}

/** The path of an absolute request URL, without the query: what Elysia routes on. */
export function pathOf(url: string): string {
  const scheme = url.indexOf("://");
  const start = url.indexOf("/", scheme === -1 ? 0 : scheme + 3);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
}
