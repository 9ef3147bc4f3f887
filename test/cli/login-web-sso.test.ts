// `da login --web` against a server that only signs in through OpenID Connect (PASSWORD_LOGIN=off):
// the compiled `da`, the real server and a real test provider (oidc-provider on loopback). The
// browser's part is done with fetch and a cookie jar, the whole way: /cli/authorize → /login → "Sign
// in with …" → the provider's sign-in and consent → Agnes's callback → back to /cli/authorize (the
// `next` carried through SSO) → Authorize → da's 127.0.0.1 callback. da then holds a CLI session of
// the SSO user, with the role the provider's groups map to.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Session } from "../../src/shared/contract";
import { cleanupSandboxes, daBinary, runDa, sandbox, storedAccount } from "../helpers/cli";
import { freePort } from "../helpers/ports";
import { startServer, type RunningServer } from "../helpers/server";
import { startTestProvider, type TestProvider } from "../sso/test-provider";
import { walkProvider } from "../sso/provider-walk";
import { hiddenFields, urlCatcher, waitForValue } from "./browser-steps";

const USER = { login: "ada", email: "ada@corp.example" };
let server: RunningServer;
let provider: TestProvider;

beforeAll(async () => {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  provider = await startTestProvider({ redirectUris: [`${base}/auth/oidc/corp/callback`] });
  provider.accounts.set(USER.login, { email: USER.email, email_verified: true, name: "Ada", groups: ["data-team"] });
  const env = {
    PORT: String(port),
    PUBLIC_URL: base,
    PASSWORD_LOGIN: "off",
    OIDC_PROVIDERS: "corp",
    ...provider.env("corp"),
    OIDC_CORP_LABEL: "Corp SSO",
    OIDC_CORP_ALLOWED_DOMAINS: "corp.example",
    OIDC_CORP_ANALYST_GROUPS: "data-team",
    AGNES_ADMIN_EMAIL: "admin@example.com",
    AGNES_ADMIN_PASSWORD: "admin-password-1",
  };
  [server] = await Promise.all([startServer({ env }), daBinary()]);
  expect(server.url).toBe(base);
});
afterAll(async () => {
  cleanupSandboxes();
  await server?.stop();
  await provider?.stop();
});

/** A browser's cookies for Agnes's origin (the provider keeps its own jar in walkProvider). */
class Jar {
  private readonly cookies = new Map<string, string>();
  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { accept: "text/html", ...(init.headers as Record<string, string>), cookie: this.header() },
    });
    for (const header of res.headers.getSetCookie()) {
      const pair = header.split(";")[0]!;
      const at = pair.indexOf("=");
      const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1)];
      if (value === "" || /max-age=0\b/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
  has(name: string): boolean {
    return this.cookies.has(name);
  }
  private header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

function locationOf(res: Response, from: string): string {
  const location = res.headers.get("location");
  if (!location) throw new Error(`expected a redirect from ${from}, got ${res.status}`);
  return new URL(location, from).href;
}

test("da login --web through SSO only: /login → provider → back to /cli/authorize → Authorize; da holds a CLI session with the mapped role", async () => {
  const box = sandbox();
  const catcher = urlCatcher(box.home);
  const da = Bun.spawn([await daBinary(), "login", "--web", "--server", server.url, "--json"], {
    cwd: box.home,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...box.env, BROWSER: catcher.browser },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    timeout: 30_000,
  });
  const daOut = new Response(da.stdout).text();
  const daErr = new Response(da.stderr).text();

  const authorizeUrl = await waitForValue(catcher.url, "da to open the browser");
  const authorize = new URL(authorizeUrl);
  expect(authorize.origin).toBe(server.url);
  expect(authorize.pathname).toBe("/cli/authorize");
  const authorizePath = authorize.pathname + authorize.search;
  const jar = new Jar();

  // 1. No browser session yet: sent to /login, with the authorize request as `next`.
  const first = await jar.get(authorizeUrl);
  expect([302, 303]).toContain(first.status);
  const loginUrl = locationOf(first, authorizeUrl);
  expect(new URL(loginUrl).pathname).toBe("/login");
  expect(new URL(loginUrl).searchParams.get("next")).toBe(authorizePath);

  // 2. The login page: no password form, one "Sign in with Corp SSO" button that keeps `next`.
  const loginRes = await jar.get(loginUrl);
  expect(loginRes.status).toBe(200);
  const loginPage = await loginRes.text();
  expect(loginPage).toContain("Sign in with Corp SSO");
  expect(loginPage).not.toContain('name="password"');
  const href = /href="(\/auth\/oidc\/corp\/start\?[^"]*)"/.exec(loginPage)?.[1]?.replace(/&amp;/g, "&");
  expect(href).toBeTruthy();
  const startUrl = new URL(href!, server.url);
  expect(startUrl.searchParams.get("next")).toBe(authorizePath);

  // 3. /start → the provider's real sign-in and consent pages → the redirect back to Agnes.
  const started = await jar.get(startUrl.href);
  expect(started.status).toBe(302);
  expect(jar.has("agnes_oidc")).toBe(true);
  const providerUrl = locationOf(started, startUrl.href);
  expect(providerUrl.startsWith(provider.issuer)).toBe(true);
  const callbackUrl = await walkProvider(providerUrl, { login: USER.login, callbackPrefix: `${server.url}/auth/oidc/corp/callback` });

  // 4. Agnes's callback signs the browser in and sends it back to the exact authorize request.
  const callback = await jar.get(callbackUrl);
  if (callback.status !== 303) throw new Error(`callback answered ${callback.status}: ${(await callback.text()).slice(0, 500)}`);
  expect(jar.has("access_token")).toBe(true);
  const back = locationOf(callback, callbackUrl);
  expect(back).toBe(authorizeUrl);

  // 5. The confirm page, then Authorize (with its CSRF field) → 303 to da's loopback callback.
  const confirmRes = await jar.get(back);
  expect(confirmRes.status).toBe(200);
  const confirm = await confirmRes.text();
  const fields = hiddenFields(confirm.slice(confirm.indexOf('action="/cli/authorize"')));
  expect(fields._csrf).toBeTruthy();
  expect(fields.port).toBe(authorize.searchParams.get("port")!);
  const posted = await jar.get(`${server.url}/cli/authorize`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...fields, decision: "authorize" }),
  });
  expect(posted.status).toBe(303);
  const loopback = new URL(locationOf(posted, `${server.url}/cli/authorize`));
  expect(loopback.origin).toBe(`http://127.0.0.1:${authorize.searchParams.get("port")}`);
  expect(loopback.pathname).toBe("/callback");
  expect(loopback.searchParams.get("state")).toBe(authorize.searchParams.get("state"));
  expect(await (await fetch(loopback)).text()).toContain("You can close this tab");

  // 6. da exchanges the code and stores the session.
  const code = await da.exited;
  const [stdout, stderr] = [await daOut, await daErr];
  if (code !== 0) throw new Error(`da exited ${code}: ${stderr}`);
  expect(JSON.parse(stdout)).toMatchObject({ server: server.url, email: USER.email, role: "analyst", auth: "session" });

  const whoami = await runDa(["auth", "whoami", "--json"], { env: box.env });
  expect(whoami.code).toBe(0);
  expect(JSON.parse(whoami.stdout)).toMatchObject({ email: USER.email, role: "analyst", auth: "session" });

  const stored = storedAccount(box.configDir);
  const sessions = (await (await fetch(`${server.url}/auth/sessions`, { headers: { authorization: `Bearer ${stored.token}` } })).json()) as Session[];
  expect(sessions.find((s) => s.current)).toMatchObject({ kind: "cli", name: expect.stringMatching(/^da on .+/) });
});
