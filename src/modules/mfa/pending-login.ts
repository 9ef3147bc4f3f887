// Between a correct password and the second step: a short-lived signed cookie naming the person and
// where to go next. It is not a session (nothing authenticates with it) and grants only the right to
// try a code, under the same failure budget as passwords; the session is opened after the code.
import { randomBytes } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { Cookie } from "elysia";
import type { AppContext } from "../../context";
import { macOf, sameSecret, seal, unseal } from "../../shared/signing";
import { findPerson } from "../users/directory";
import { isHttps } from "../../http/session-cookie";

/** The page that asks for the code. */
export const SECOND_STEP_PATH = "/login/second-step";
export const PENDING_COOKIE = "agnes_second_step";
export const PENDING_TTL_MS = 5 * 60_000;
const LABEL = "second-step";

type CookieJar = Record<string, Cookie<unknown>>;
/** `password`: a MAC of the password hash it was started with; a changed password voids the step. */
export type PendingLogin = { id: string; userId: string; next: string; expiresAt: number; password: string };

// The steps that opened a session (id → expiry), so a copied cookie opens no second one. Only a
// correct code adds an entry (limited by the sign-in budgets), and a spent step is worth keeping only
// until its cookie expires; the bound keeps the newest, which are the only replayable ones.
const MAX_SPENT_STEPS = 10_000;
const spentSteps = new WeakMap<AppContext, LRUCache<string, number>>();

/** Marks the step used; false when it already was (synchronous: two racing requests cannot both pass). */
export function spendPendingLogin(ctx: AppContext, pending: PendingLogin): boolean {
  let spent = spentSteps.get(ctx);
  if (!spent) spentSteps.set(ctx, (spent = new LRUCache<string, number>({ max: MAX_SPENT_STEPS })));
  const expiresAt = spent.get(pending.id);
  if (expiresAt !== undefined && expiresAt > ctx.clock.now().getTime()) return false;
  spent.set(pending.id, pending.expiresAt);
  return true;
}

async function passwordMark(ctx: AppContext, userId: string): Promise<string | null> {
  const hash = (await findPerson(ctx.db, userId))?.password_hash;
  return hash ? macOf("second-step-password", hash, ctx.config.jwtSecret) : null;
}

/** Whether the password this step was started with is still the account's. */
export async function passwordUnchanged(ctx: AppContext, pending: PendingLogin): Promise<boolean> {
  const mark = await passwordMark(ctx, pending.userId);
  return mark !== null && sameSecret(pending.password, mark);
}

export async function startPendingLogin(ctx: AppContext, cookie: CookieJar, request: Request, userId: string, next: string): Promise<void> {
  const password = (await passwordMark(ctx, userId)) ?? "";
  const value: PendingLogin = { id: randomBytes(16).toString("base64url"), userId, next, expiresAt: ctx.clock.now().getTime() + PENDING_TTL_MS, password };
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
  if (typeof value.id !== "string" || typeof value.password !== "string" || value.expiresAt <= ctx.clock.now().getTime()) return null;
  return { id: value.id, userId: value.userId, next: value.next, expiresAt: value.expiresAt, password: value.password };
}

export function clearPendingLogin(cookie: CookieJar): void {
  cookie[PENDING_COOKIE]!.set({ value: "", httpOnly: true, sameSite: "lax", path: "/login", maxAge: 0 });
}
