// An in-process app on a temporary DATA_DIR with a fake clock, for HTTP tests through app.handle.
import { expect } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/app";
import { FakeClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { createContext, type AppContext } from "../../src/context";
import { Database } from "../../src/db/database";
import { migrate } from "../../src/db/migrate";
import { createMemoryLogger } from "../../src/log";
import { prepareFirstRun } from "../../src/modules/accounts/service";
import type { Role } from "../../src/shared/contract";
import { csrfTokenFor } from "../../src/http/csrf";
import { sessionHandle } from "../../src/auth/session-signer";
import { cookieFrom } from "./cookies";
import { TEST_PASSWORD_COST } from "./password-cost";
import { TEST_SIGNING_KEY_FILE, testSigningKey } from "./signing";

export { cookieFrom };

export const ADMIN_EMAIL = "admin@example.com";
export const ADMIN_PASSWORD = "admin-password-1";
export const BASE = "http://localhost";

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export { TEST_PASSWORD_COST };

export async function createTestApp(opts: { env?: Record<string, string>; withAdmin?: boolean; dataDir?: string } = {}) {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "agnes-test-"));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    CLI_DIST_DIR: join(dataDir, "no-cli-dist"),
    CLI_BUILD_ON_START: "off", // only test/distribution/build-on-start.test.ts builds
    DA_SIGNING_KEY: (testSigningKey(), TEST_SIGNING_KEY_FILE), // the key test builds are signed with
    ...(opts.withAdmin === false ? {} : { AGNES_ADMIN_EMAIL: ADMIN_EMAIL, AGNES_ADMIN_PASSWORD: ADMIN_PASSWORD }),
    ...opts.env,
  };
  const config = loadConfig(env);
  const db = await Database.open(join(config.stateDir, "system.duckdb"));
  await migrate(db);
  const clock = new FakeClock();
  const log = createMemoryLogger();
  const ctx = await createContext({ config, db, clock, log, commit: "test", passwordCost: TEST_PASSWORD_COST });
  await prepareFirstRun(ctx);
  const app = createApp(ctx);

  const handle = (path: string, init: RequestInit = {}) => app.handle(new Request(BASE + path, init));

  /** JSON request with an optional bearer token. */
  const api = (method: string, path: string, opts2: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { accept: "application/json", ...opts2.headers };
    if (opts2.token) headers.authorization = `Bearer ${opts2.token}`;
    if (opts2.body !== undefined) headers["content-type"] = "application/json";
    return handle(path, { method, headers, body: opts2.body === undefined ? undefined : JSON.stringify(opts2.body) });
  };

  const login = async (email = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<string> => {
    const res = await api("POST", "/auth/token", { body: { email, password } });
    if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { access_token: string }).access_token;
  };

  /** Creates a user directly through the API as the bootstrap admin and returns its id. */
  const createUser = async (email: string, password: string, role: Role = "analyst", name = ""): Promise<string> => {
    const token = await login();
    // The test's own password: no forced change at the first sign-in (test/http/forced-change.test.ts covers that).
    const res = await api("POST", "/api/users", { token, body: { email, password, role, name, must_change_password: false } });
    if (res.status !== 201) throw new Error(`create ${email} failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };

  /**
   * Signs in through the form as a browser would. Returns the session cookie, its CSRF token, the
   * session's id and JWT (which also works as a bearer token), and requests that carry the cookie:
   * `get` (plus any cookies such as a flash), `post` (a form with the CSRF field; a `_csrf` in
   * `fields` replaces it), `follow` (a POST's 303 with the flash it set: the landing page's HTML),
   * `submit` (post, then follow) and `raw` (any request, nothing added but the cookie).
   */
  const browser = async (email = ADMIN_EMAIL, password = ADMIN_PASSWORD, extraHeaders: Record<string, string> = {}) => {
    const res = await handle("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...extraHeaders },
      body: new URLSearchParams({ email, password }),
    });
    const token = cookieFrom(res, "access_token");
    if (res.status !== 303 || !token) throw new Error(`form sign-in as ${email} failed: ${res.status}`);
    return browserWith(token, extraHeaders);
  };

  /** The same requests for a session cookie obtained another way (single sign-on). */
  const browserWith = (token: string, extraHeaders: Record<string, string> = {}) => {
    const sessionId = sessionIdOf(token);
    const cookie = `access_token=${token}`;
    const csrf = csrfTokenFor(sessionId, ctx.config.jwtSecret);
    const withCookie = (more: string | undefined) => (more ? `${cookie}; ${more}` : cookie);
    const get = (path: string, moreCookies?: string) => handle(path, { headers: { accept: "text/html", cookie: withCookie(moreCookies), ...extraHeaders } });
    const post = (path: string, fields: Record<string, string>) =>
      handle(path, {
        method: "POST",
        headers: { accept: "text/html", cookie, "content-type": "application/x-www-form-urlencoded", ...extraHeaders },
        body: new URLSearchParams({ _csrf: csrf, ...fields }),
      });
    const follow = async (posted: Response): Promise<string> => {
      expect(posted.status).toBe(303);
      // As a browser does: without the fragment, with the flash cookie the POST set.
      const location = new URL(posted.headers.get("location")!, BASE);
      const flash = cookieFrom(posted, "flash");
      const page = await get(location.pathname + location.search, flash ? `flash=${flash}` : undefined);
      expect(page.status).toBe(200);
      return page.text();
    };
    return {
      cookie,
      csrf,
      sessionId,
      token,
      get,
      post,
      follow,
      submit: async (path: string, fields: Record<string, string>) => follow(await post(path, fields)),
      raw: (path: string, init: RequestInit = {}) =>
        handle(path, { ...init, headers: { cookie, ...extraHeaders, ...(init.headers as Record<string, string>) } }),
    };
  };

  const close = async () => {
    await ctx.activity.stop().catch(() => undefined);
    await ctx.data.audits.flush();
    ctx.data.close();
    await db.close();
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  return { app, ctx: ctx as AppContext, clock, log, dataDir, handle, api, login, createUser, browser, browserWith, close };
}

/**
 * The session's handle (what the server stores and shows: SHA-256 of the `jti` claim) of a session
 * JWT, from the form's cookie or `POST /auth/token`.
 */
export function sessionIdOf(jwt: string): string {
  return sessionHandle((JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as { jti: string }).jti);
}
