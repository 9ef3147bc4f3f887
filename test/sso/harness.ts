// An in-process Agnes (app.handle) wired to real test providers, and a sign-in driven with fetch and
// manual cookies: /start → the provider's real sign-in and consent pages → /callback.
import { expect } from "bun:test";
import { BASE, cookieFrom, createTestApp, type TestApp } from "../helpers/app";
import { startTestProvider, type TestProvider } from "./test-provider";
import { walkProvider } from "./provider-walk";

export type SsoFixture = { t: TestApp; providers: Record<string, TestProvider>; stop: () => Promise<void> };

/** Agnes with PUBLIC_URL=http://localhost and one test provider per id; `env` adds OIDC_<ID>_* settings. */
export async function ssoFixture(ids: string[], env: Record<string, string> = {}, opts: { idTokenClaims?: boolean } = {}): Promise<SsoFixture> {
  const providers: Record<string, TestProvider> = {};
  for (const id of ids) providers[id] = await startTestProvider({ redirectUris: [`${BASE}/auth/oidc/${id}/callback`], idTokenClaims: opts.idTokenClaims });
  const providerEnv = Object.assign({}, ...ids.map((id) => providers[id]!.env(id)));
  const t = await createTestApp({ env: { PUBLIC_URL: BASE, OIDC_PROVIDERS: ids.join(","), ...providerEnv, ...env } });
  return {
    t,
    providers,
    stop: async () => {
      await t.close();
      for (const p of Object.values(providers)) await p.stop();
    },
  };
}

export type Started = { attemptCookie: string; authorizationUrl: string };

export async function startSignIn(t: TestApp, id: string, next = "/dashboard"): Promise<Started> {
  const res = await t.handle(`/auth/oidc/${id}/start?next=${encodeURIComponent(next)}`, { headers: { accept: "text/html" } });
  expect(res.status).toBe(302);
  const attemptCookie = cookieFrom(res, "agnes_oidc");
  expect(attemptCookie).toBeTruthy();
  return { attemptCookie: attemptCookie!, authorizationUrl: res.headers.get("location")! };
}

/** Walks the provider as `login`; returns the callback URL the provider sent the browser to. */
export function atProvider(id: string, started: Started, login: string, cancel = false): Promise<string> {
  return walkProvider(started.authorizationUrl, { login, cancel, callbackPrefix: `${BASE}/auth/oidc/${id}/callback` });
}

export function callback(t: TestApp, callbackUrl: string, attemptCookie: string | null): Promise<Response> {
  const url = new URL(callbackUrl);
  const headers: Record<string, string> = { accept: "text/html" };
  if (attemptCookie !== null) headers.cookie = `agnes_oidc=${attemptCookie}`;
  return t.handle(url.pathname + url.search, { headers });
}

/** The whole round trip; returns the callback's response. */
export async function signInAs(t: TestApp, id: string, login: string, next = "/dashboard"): Promise<Response> {
  const started = await startSignIn(t, id, next);
  return callback(t, await atProvider(id, started, login), started.attemptCookie);
}

/** Who the session cookie of a successful callback belongs to, per /auth/me. */
export async function whoAmI(t: TestApp, res: Response): Promise<{ email: string; role: string; id: string }> {
  const jwt = cookieFrom(res, "access_token");
  expect(jwt).toBeTruthy();
  const me = await t.api("GET", "/auth/me", { token: jwt! });
  expect(me.status).toBe(200);
  return (await me.json()) as { email: string; role: string; id: string };
}

export async function auditActions(t: TestApp, action: string): Promise<Record<string, unknown>[]> {
  const rows = await t.ctx.db.query<{ params: string }>("SELECT params FROM audit_log WHERE action = $1 ORDER BY created_at, id", [action]);
  return rows.map((r) => JSON.parse(r.params) as Record<string, unknown>);
}
