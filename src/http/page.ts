// What every server-rendered page needs besides its own data: who is looking, the CSRF token for
// their forms, and the flash message left by the previous POST (read once, then cleared).
import type { Cookie } from "elysia";
import type { AppContext } from "../context";
import type { Principal } from "../auth/principal";
import { csrfTokenFor } from "./csrf";

export type Flash = { kind: "ok" | "error"; message: string; reveal?: string };

export type PageContext = {
  principal: Principal | null;
  csrf: string;
  flash: Flash | null;
};

type CookieJar = Record<string, Cookie<unknown>>;

const FLASH_COOKIE = "flash";

export function setFlash(cookie: CookieJar, flash: Flash): void {
  cookie[FLASH_COOKIE]!.set({
    value: Buffer.from(JSON.stringify(flash)).toString("base64url"),
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 120,
  });
}

function takeFlash(cookie: CookieJar): Flash | null {
  const jar = cookie[FLASH_COOKIE];
  const raw = jar?.value;
  if (typeof raw !== "string" || raw === "") return null;
  jar!.remove();
  try {
    const parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Flash;
    if (typeof parsed.message !== "string" || (parsed.kind !== "ok" && parsed.kind !== "error")) return null;
    return { kind: parsed.kind, message: parsed.message, reveal: typeof parsed.reveal === "string" ? parsed.reveal : undefined };
  } catch {
    return null;
  }
}

export function pageContext(ctx: AppContext, principal: Principal | null, cookie: CookieJar): PageContext {
  const csrf = principal?.sessionId ? csrfTokenFor(principal.sessionId, ctx.config.jwtSecret) : "";
  return { principal, csrf, flash: takeFlash(cookie) };
}

/** POST → 303 → GET, with a flash message for the page it lands on. */
export function redirectWithFlash(
  set: { status?: number | string; headers: Record<string, string | number> },
  cookie: CookieJar,
  location: string,
  flash: Flash,
): string {
  setFlash(cookie, flash);
  set.status = 303;
  set.headers.location = location;
  return "";
}
