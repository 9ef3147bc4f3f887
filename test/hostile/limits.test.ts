// Guess limits under concurrency: N wrong guesses fired together must not get more than the limit
// (10 failures per 15 minutes) actually checked; the rest must be refused as limited (429). A limit
// that is checked before the slow verification and recorded after it lets all N through.
// Each case runs on its own fresh server: the limiter is per account and per client IP (127.0.0.1).
import { afterEach, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { startServer, type RunningServer } from "../helpers/server";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./harness";

const N = 40;
const LIMIT = 10;

let server: RunningServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

async function start(withAdmin = true): Promise<RunningServer> {
  server = await startServer({ env: withAdmin ? { AGNES_ADMIN_EMAIL: ADMIN_EMAIL, AGNES_ADMIN_PASSWORD: ADMIN_PASSWORD } : {} });
  return server;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = "application/x-www-form-urlencoded";

/** Fires every request at once and tallies the answers by kind. */
async function together(make: (i: number) => Promise<string>): Promise<Record<string, number>> {
  const kinds = await Promise.all(Array.from({ length: N }, (_, i) => make(i)));
  const tally: Record<string, number> = {};
  for (const k of kinds) tally[k] = (tally[k] ?? 0) + 1;
  return tally;
}

/** The limit held: at most LIMIT guesses were checked, and every other one was refused as limited. */
function expectLimited(tally: Record<string, number>) {
  const checked = tally.checked ?? 0;
  expect({ checked: Math.min(checked, LIMIT + 1) <= LIMIT ? "at most 10" : `${checked} of ${N}`, other: N - checked - (tally.limited ?? 0), tally }).toEqual({
    checked: "at most 10",
    other: 0,
    tally,
  });
}

const statusKind = (checkedStatus: number) => (status: number) => (status === checkedStatus ? "checked" : status === 429 ? "limited" : `status ${status}`);

/** A signed-in browser: the session cookie and the CSRF token from /profile's forms. */
async function browserSession(url: string) {
  const login = await fetch(`${url}/login`, {
    method: "POST",
    headers: { "content-type": FORM },
    body: form({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    redirect: "manual",
  });
  expect(login.status).toBe(303);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("access_token="))!;
  const profile = await fetch(`${url}/profile`, { headers: { cookie, accept: "text/html" } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await profile.text())?.[1];
  expect(csrf).toBeString();
  return { cookie, csrf: csrf! };
}

/** The flash message a form POST left for the next page (base64url JSON in the `flash` cookie). */
function flashOf(res: Response): string {
  const raw = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("flash="))
    ?.slice("flash=".length);
  if (!raw) return "";
  try {
    // The flash cookie is `<base64url JSON>.<signature>`; the message is in the first part.
    const payload = decodeURIComponent(raw).split(".")[0]!;
    return String((JSON.parse(Buffer.from(payload, "base64url").toString()) as { message?: string }).message ?? "");
  } catch {
    return "";
  }
}

describe(`${N} wrong guesses at once: at most ${LIMIT} are checked`, () => {
  test("POST /auth/token, wrong password for one account", async () => {
    const { url } = await start();
    const tally = await together(async () => {
      const res = await fetch(`${url}/auth/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: ADMIN_EMAIL, password: "wrong-password" }),
      });
      if (res.status === 429 && !res.headers.get("retry-after")) return "429 without Retry-After";
      return statusKind(401)(res.status);
    });
    expectLimited(tally);
  });

  test("POST /login, wrong password for one account", async () => {
    const { url } = await start();
    const tally = await together(async () => {
      const res = await fetch(`${url}/login`, {
        method: "POST",
        headers: { "content-type": FORM, accept: "text/html" },
        body: form({ email: ADMIN_EMAIL, password: "wrong-password" }),
        redirect: "manual",
      });
      return statusKind(401)(res.status);
    });
    expectLimited(tally);
  });

  test("POST /profile/password, wrong current password (session cookie + CSRF token)", async () => {
    const { url } = await start();
    const { cookie, csrf } = await browserSession(url);
    const tally = await together(async () => {
      const body = form({ _csrf: csrf, current_password: "wrong-password", new_password: "new-password-123", new_password_confirm: "new-password-123" });
      const res = await fetch(`${url}/profile/password`, {
        method: "POST",
        headers: { "content-type": FORM, accept: "text/html", cookie },
        body,
        redirect: "manual",
      });
      const message = flashOf(res);
      if (res.status === 429 || /too many/i.test(message)) return "limited";
      if (/current password is not right/i.test(message)) return "checked";
      return `status ${res.status} ${message}`;
    });
    expectLimited(tally);
  });

  test("POST /setup, wrong setup codes on a fresh server", async () => {
    const { url, logs } = await start(false);
    const code = /"event":"setup.code","code":"([^"]+)"/.exec(logs())?.[1];
    expect(code).toBeString();
    const tally = await together(async (i) => {
      const guess = `WRONG${i}${randomBytes(4).toString("hex").toUpperCase()}`;
      const body = form({ setup_code: guess, email: "owner@example.com", password: "owner-password-1", password_confirm: "owner-password-1" });
      const res = await fetch(`${url}/setup`, { method: "POST", headers: { "content-type": FORM, accept: "text/html" }, body, redirect: "manual" });
      return statusKind(403)(res.status);
    });
    expectLimited(tally);
  });

  const guessToken = () => randomBytes(32).toString("base64url");

  test("POST /auth/password/reset, guessed reset tokens", async () => {
    const { url } = await start();
    const tally = await together(async () => {
      const body = form({ token: guessToken(), password: "new-password-123", password_confirm: "new-password-123" });
      const res = await fetch(`${url}/auth/password/reset`, {
        method: "POST",
        headers: { "content-type": FORM, accept: "text/html" },
        body,
        redirect: "manual",
      });
      return statusKind(400)(res.status);
    });
    expectLimited(tally);
  });

  test("GET /auth/password/reset?token=, guessed reset tokens", async () => {
    const { url } = await start();
    const tally = await together(async () => {
      const res = await fetch(`${url}/auth/password/reset?token=${guessToken()}`, { headers: { accept: "text/html" }, redirect: "manual" });
      return statusKind(400)(res.status);
    });
    expectLimited(tally);
  });
});
