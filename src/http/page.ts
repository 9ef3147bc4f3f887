// Builds what every server-rendered page needs besides its own data (the PageContext type, shared
// with the views): who is looking, the CSRF token for their forms, and the flash message left by
// the previous POST (read once, then cleared).
import type { Cookie } from "elysia";
import type { AppContext } from "../context";
import type { Principal } from "../auth/principal";
import type { Flash, PageContext } from "../shared/page-context";
import { roleAtLeast } from "../auth/roles";
import { seal, unseal } from "../shared/signing";
import { csrfTokenFor } from "./csrf";
import { HttpError } from "../shared/errors";

export type { Flash, PageContext } from "../shared/page-context";

type CookieJar = Record<string, Cookie<unknown>>;

const FLASH_COOKIE = "flash";

// The flash cookie is sealed (HMAC with the server's key): a forged one, say a "Password changed"
// message planted by another site through a cookie-tossing subdomain, is ignored.
function setFlash(ctx: AppContext, cookie: CookieJar, flash: Flash): void {
  cookie[FLASH_COOKIE]!.set({
    value: seal("flash", flash, ctx.config.jwtSecret),
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 120,
  });
}

function takeFlash(ctx: AppContext, cookie: CookieJar): Flash | null {
  const jar = cookie[FLASH_COOKIE];
  const raw = jar?.value;
  if (typeof raw !== "string" || raw === "") return null;
  jar!.remove();
  const parsed = unseal("flash", raw, ctx.config.jwtSecret) as Partial<Flash> | null;
  if (!parsed || typeof parsed.message !== "string" || (parsed.kind !== "ok" && parsed.kind !== "error")) return null;
  return { kind: parsed.kind, message: parsed.message, reveal: typeof parsed.reveal === "string" ? parsed.reveal : undefined };
}

export function pageContext(ctx: AppContext, principal: Principal | null, cookie: CookieJar): PageContext {
  return pageContextWith(ctx, principal, takeFlash(ctx, cookie));
}

/** A page context with a given flash (none for an error page, which must not consume the cookie). */
export function pageContextWith(ctx: AppContext, principal: Principal | null, flash: Flash | null): PageContext {
  const csrf = principal?.sessionId ? csrfTokenFor(principal.sessionId, ctx.config.jwtSecret) : "";
  const isAdmin = principal ? roleAtLeast(principal.user.role, "admin") : false;
  return { principal, isAdmin, csrf, flash };
}

type SetLike = { status?: number | string; headers: Record<string, string | number> };

/** POST → 303 → GET, with a flash message for the page it lands on. */
export function redirectWithFlash(ctx: AppContext, set: SetLike, cookie: CookieJar, location: string, flash: Flash): string {
  setFlash(ctx, cookie, flash);
  set.status = 303;
  set.headers.location = focusedLocation(location, flash);
  return "";
}

/**
 * Where the page should open after a post. A one-time reveal is at the top of the page and its Copy
 * button has `autofocus`, which a browser ignores when the URL names a fragment: the fragment (the
 * section the form was in, which would scroll the reveal away) is dropped. A refusal opens at #flash,
 * the message, which takes the focus.
 */
function focusedLocation(location: string, flash: Flash): string {
  if (flash.reveal) return location.split("#")[0]!;
  return flash.kind === "error" ? `${location.split("#")[0]}#flash` : location;
}

/** Refusals a person can act on: shown as an error flash on the page instead of an error page. */
const FLASHED_STATUSES = [400, 403, 404, 409, 429];

/** Runs a form action and redirects to `location` with its message, or with the refusal's. */
export async function formAction(
  ctx: AppContext,
  reply: { set: SetLike; cookie: CookieJar },
  location: string,
  work: () => Promise<string | Flash>,
): Promise<string> {
  let flash: Flash;
  try {
    const done = await work();
    flash = typeof done === "string" ? { kind: "ok", message: done } : done;
  } catch (error) {
    if (!(error instanceof HttpError) || !FLASHED_STATUSES.includes(error.status)) throw error;
    flash = { kind: "error", message: error.message };
  }
  return redirectWithFlash(ctx, reply.set, reply.cookie, location, flash);
}
