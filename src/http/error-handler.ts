// The one onError: every failure becomes {"detail": …} with its status, or — for a browser
// navigation — a redirect to /login (not signed in) or an HTML error page. Unexpected errors are
// logged (without request bodies) and answered 500 without internals. A full or read-only disk
// (StorageUnavailable) is 503 with Retry-After.
// The page itself comes from the caller (src/app.ts passes the view): src/http imports no page.
import { Elysia } from "elysia";
import type { AppContext } from "../context";
import { resolvePrincipal, type Principal } from "../auth/principal";
import type { PageContext } from "../shared/page-context";
import { HttpError, RoleTooLow, ServiceUnavailable, SessionRestricted, Unauthenticated } from "../shared/errors";
import { StorageUnavailable } from "../db/storage";
import { loginRedirectFor, wantsHtml } from "./wants-html";
import { pageContextWith } from "./page";
import { requestUrl } from "./request-url";
import { errorSummary } from "./error-summary";
import { CredentialCheckPending, deferUntilChecked } from "./credential-check";
import { addFixedHeaders, PAGE_HEADERS, RESPONSE_HEADERS } from "./security-headers";

type Reply = { status: number; detail: string; headers?: Record<string, string>; fields?: Record<string, boolean | string> };

function classify(error: unknown, code: unknown): Reply | null {
  // A full or read-only disk is logged once per episode by the database layer, never per request.
  if (error instanceof StorageUnavailable) error = new ServiceUnavailable(error.message);
  if (error instanceof HttpError) return { status: error.status, detail: error.message, headers: error.headers, fields: error.fields };
  // Elysia wraps whatever our body parser throws (413, 415, a depth refusal) in its ParseError.
  const cause = (error as { cause?: unknown })?.cause;
  if (code === "PARSE" && cause instanceof HttpError) return { status: cause.status, detail: cause.message, headers: cause.headers };
  switch (code) {
    case "VALIDATION":
      return { status: 422, detail: validationMessage(error) };
    case "PARSE":
      return { status: 400, detail: "The request body could not be parsed: send valid JSON or form data" };
    case "NOT_FOUND":
      return { status: 404, detail: "Not found" };
    case "INVALID_COOKIE_SIGNATURE":
      return { status: 400, detail: "Invalid cookie" };
    default:
      return null;
  }
}

/** A readable summary of the schema violations; never echoes the submitted values. */
function validationMessage(error: unknown): string {
  const all = (error as { all?: { path?: string; message?: string; summary?: string }[] }).all ?? [];
  const parts = all.slice(0, 5).map((issue) => {
    const where = issue.path ? issue.path.replace(/^\//, "").replace(/\//g, ".") : "body";
    return `${where || "body"}: ${issue.message ?? issue.summary ?? "invalid"}`;
  });
  return parts.length ? `Invalid request: ${parts.join("; ")}` : "Invalid request";
}

// What the route answers while the front door waits for a check; never sent (credential-check.ts).
const checkPending = () => new Response(null, { status: 503 });

export type ErrorPageProps = { status: number; message: string; page: PageContext };
export type ErrorPageRenderer = { renderErrorPage: (props: ErrorPageProps) => JSX.Element };

export function errorHandler(ctx: AppContext, pages: ErrorPageRenderer, fixed: Record<string, string>) {
  // Only named properties of the hook's context: a global hook that hands the whole context to a
  // function makes Elysia parse cookies, query and headers on every route, just in case.
  return new Elysia({ name: "error-handler" }).onError({ as: "global" }, (c) => {
    // A read whose session token is still being checked is routed again by the front door.
    if (c.error instanceof CredentialCheckPending && deferUntilChecked(c.request, c.error.check)) return checkPending();
    // What onError answers skips the fixed-headers step (fixedHeadersOnResponses).
    addFixedHeaders(c.set.headers, fixed);
    return respondSafely(ctx, pages, {
      error: c.error instanceof CredentialCheckPending ? new ServiceUnavailable("The session could not be checked just now: try again", 1) : c.error,
      code: c.code,
      request: c.request,
      set: c.set,
      principal: (c as { principal?: Principal | null }).principal,
    });
  });
}

/** The same answer for a request the front door refuses before routing (src/http/front-door.ts). */
export function refusalResponder(ctx: AppContext, pages: ErrorPageRenderer, headers: Record<string, string>) {
  return async (request: Request, error: HttpError): Promise<Response> => {
    const set: ErrorContext["set"] = { headers: { ...headers } };
    return respondSafely(ctx, pages, { error, code: undefined, request, set, principal: undefined });
  };
}

// Always a Response: when onError answers anything else, Elysia passes it through every global
// mapResponse hook, and one that returns nothing (the fixed headers' one) would blank the page.
async function respondSafely(ctx: AppContext, pages: ErrorPageRenderer, context: ErrorContext): Promise<Response> {
  try {
    return await respond(ctx, pages, context);
  } catch (failure) {
    // The handler itself must never throw: Bun would then answer with its own error page.
    ctx.log.error("error_handler.failed", { error: errorSummary(failure) });
    return Response.json({ detail: "Internal server error" }, { status: 500, headers: RESPONSE_HEADERS });
  }
}

type ErrorContext = {
  error: unknown;
  code: unknown;
  request: Request;
  set: { status?: number | string; headers: Record<string, string | number> };
  /** Set when the route's auth step resolved who is asking (src/http/auth-guard.ts). */
  principal: Principal | null | undefined;
};

async function respond(ctx: AppContext, pages: ErrorPageRenderer, context: ErrorContext): Promise<Response> {
  const { error, code, request, set } = context;
  let reply = classify(error, code);
  if (!reply) {
    ctx.log.error("request.failed", { method: request.method, path: requestUrl(request).pathname, error: String((error as Error)?.stack ?? error) });
    reply = { status: 500, detail: "Internal server error" };
  }
  Object.assign(set.headers, reply.headers ?? {});
  const headers = set.headers as Record<string, string>;
  if (wantsHtml(request)) {
    Object.assign(headers, PAGE_HEADERS);
    if (error instanceof Unauthenticated) {
      set.status = 302;
      headers.location = loginRedirectFor(request);
      return new Response(null, { status: 302, headers });
    }
    if (error instanceof SessionRestricted) {
      // A page visited before the task (password change, second factor) is done: to the task, whatever was asked for.
      headers.location = error.path;
      return new Response(null, { status: 303, headers });
    }
    set.status = reply.status;
    headers["content-type"] = "text/html; charset=utf-8";
    const principal = await principalFor(ctx, context);
    const message =
      error instanceof RoleTooLow ? `This page needs the ${error.needed} role; you are signed in as ${principal?.user.role ?? "nobody"}.` : reply.detail;
    // No flash: an error page must not consume the message meant for the page the user goes back to.
    const page = pageContextWith(ctx, principal, null);
    return new Response(`<!doctype html>${await pages.renderErrorPage({ status: reply.status, message, page })}`, { status: reply.status, headers });
  }
  set.status = reply.status;
  return Response.json({ ...reply.fields, detail: reply.detail }, { status: reply.status, headers });
}

/** Who sees the error page (for its navigation): known when the route resolved it, else looked up now. */
async function principalFor(ctx: AppContext, context: ErrorContext): Promise<Principal | null> {
  return context.principal !== undefined ? context.principal : resolvePrincipal(ctx, context.request, () => null);
}
