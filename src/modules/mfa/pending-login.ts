// Between a correct password and the second step: a short-lived signed cookie naming the person and
// where to go next. It is not a session (nothing authenticates with it) and grants only the right to
// try a code, under the same failure budget as passwords; the session is opened after the code.
import type { Cookie } from "elysia";
import type { AppContext } from "../../context";
import { seal, unseal } from "../../shared/signing";
import { isHttps } from "../../http/session-cookie";

/** The page that asks for the code. */
export const SECOND_STEP_PATH = "/login/second-step";
export const PENDING_COOKIE = "agnes_second_step";
export const PENDING_TTL_MS = 5 * 60_000;
const LABEL = "second-step";

type CookieJar = Record<string, Cookie<unknown>>;
export type PendingLogin = { userId: string; next: string; expiresAt: number };

export function startPendingLogin(ctx: AppContext, cookie: CookieJar, request: Request, userId: string, next: string): void {
  const value: PendingLogin = { userId, next, expiresAt: ctx.clock.now().getTime() + PENDING_TTL_MS };
  cookie[PENDING_COOKIE]!.set({
    value: seal(LABEL, value, ctx.config.jwtSecret),
    httpOnly: true,
    sameSite: "lax",
    path: "/login",
    secure: isHttps(request, ctx.config),
    maxAge: PENDING_TTL_MS / 1000,
  });
}

/** The pending sign-in, or null when the cookie is missing, forged or expired. */
export function readPendingLogin(ctx: AppContext, cookie: CookieJar): PendingLogin | null {
  const raw = cookie[PENDING_COOKIE]?.value;
  if (typeof raw !== "string" || raw === "") return null;
  const value = unseal(LABEL, raw, ctx.config.jwtSecret) as Partial<PendingLogin> | null;
  if (!value || typeof value.userId !== "string" || typeof value.next !== "string" || typeof value.expiresAt !== "number") return null;
  if (value.expiresAt <= ctx.clock.now().getTime()) return null;
  return { userId: value.userId, next: value.next, expiresAt: value.expiresAt };
}

export function clearPendingLogin(cookie: CookieJar): void {
  cookie[PENDING_COOKIE]!.set({ value: "", httpOnly: true, sameSite: "lax", path: "/login", maxAge: 0 });
}
