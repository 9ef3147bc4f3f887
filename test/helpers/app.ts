// An in-process app on a temporary DATA_DIR with a fake clock, for HTTP tests through app.handle.
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

export const ADMIN_EMAIL = "admin@example.com";
export const ADMIN_PASSWORD = "admin-password-1";
export const BASE = "http://localhost";

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export async function createTestApp(opts: { env?: Record<string, string>; withAdmin?: boolean; dataDir?: string } = {}) {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "agnes-test-"));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    CLI_DIST_DIR: join(dataDir, "no-cli-dist"),
    CLI_BUILD_ON_START: "off", // only test/distribution/build-on-start.test.ts builds
    ...(opts.withAdmin === false ? {} : { AGNES_ADMIN_EMAIL: ADMIN_EMAIL, AGNES_ADMIN_PASSWORD: ADMIN_PASSWORD }),
    ...opts.env,
  };
  const config = loadConfig(env);
  const db = await Database.open(join(config.stateDir, "system.duckdb"));
  await migrate(db);
  const clock = new FakeClock();
  const log = createMemoryLogger();
  const ctx = await createContext({ config, db, clock, log, commit: "test" });
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
    const res = await api("POST", "/api/users", { token, body: { email, password, role, name } });
    if (res.status !== 201) throw new Error(`create ${email} failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };

  /** Signs in through the form as a browser would: the session cookie, its CSRF token, and GET/POST with both. */
  const browser = async (email = ADMIN_EMAIL, password = ADMIN_PASSWORD, extraHeaders: Record<string, string> = {}) => {
    const res = await handle("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...extraHeaders },
      body: new URLSearchParams({ email, password }),
    });
    const jwt = cookieFrom(res, "access_token");
    if (!jwt) throw new Error(`form sign-in as ${email} failed: ${res.status}`);
    const jti = JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()).jti as string;
    const cookie = `access_token=${jwt}`;
    const csrf = csrfTokenFor(jti, ctx.config.jwtSecret);
    const withCookie = (more: string | undefined) => (more ? `${cookie}; ${more}` : cookie);
    return {
      cookie,
      csrf,
      get: (path: string, moreCookies?: string) => handle(path, { headers: { accept: "text/html", cookie: withCookie(moreCookies), ...extraHeaders } }),
      post: (path: string, fields: Record<string, string>) =>
        handle(path, {
          method: "POST",
          headers: { accept: "text/html", cookie, "content-type": "application/x-www-form-urlencoded", ...extraHeaders },
          body: new URLSearchParams({ _csrf: csrf, ...fields }),
        }),
    };
  };

  const close = async () => {
    await ctx.activity.stop().catch(() => undefined);
    await db.close();
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  return { app, ctx: ctx as AppContext, clock, log, dataDir, handle, api, login, createUser, browser, close };
}

/** Form-encoded POST with the session cookie and its CSRF token, as a browser would send it. */
export function formBody(fields: Record<string, string>): URLSearchParams {
  return new URLSearchParams(fields);
}

export function cookieFrom(res: Response, name: string): string | null {
  for (const header of res.headers.getSetCookie()) {
    const [pair] = header.split(";");
    const [key, ...rest] = pair!.split("=");
    if (key?.trim() === name) return rest.join("=");
  }
  return null;
}
