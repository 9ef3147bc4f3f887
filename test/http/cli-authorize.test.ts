// The browser flow for `da login` through the app: /cli/authorize → confirm → 303 to the loopback
// callback → POST /auth/cli/token. And the attacks on it: reuse, wrong verifier, late redemption,
// missing CSRF, another origin, bad ports, a token instead of a browser session.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { ADMIN_EMAIL, createTestApp, type TestApp } from "../helpers/app";
import type { LoginResponse, Session } from "../../src/shared/contract";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

function authorizeParams(challenge: string, over: Record<string, string> = {}): Record<string, string> {
  return { port: "45678", state: "state-0123456789abcdef", code_challenge: challenge, code_challenge_method: "S256", client: "laptop", ...over };
}

type Browser = Awaited<ReturnType<TestApp["browser"]>>;

/** Signs in, approves, and returns the code from the callback URL. */
async function approve(b: Browser, challenge: string): Promise<string> {
  const res = await b.post("/cli/authorize", { ...authorizeParams(challenge), decision: "authorize" });
  expect(res.status).toBe(303);
  const location = new URL(res.headers.get("location")!);
  expect(location.origin).toBe("http://127.0.0.1:45678");
  expect(location.pathname).toBe("/callback");
  expect(location.searchParams.get("state")).toBe("state-0123456789abcdef");
  return location.searchParams.get("code")!;
}

const redeem = (code: string, verifier: string) => t.api("POST", "/auth/cli/token", { body: { code, code_verifier: verifier } });

describe("the confirm page", () => {
  test("asks to sign in da on the named host, and lets the form post back to that loopback port only", async () => {
    const b = await t.browser();
    const res = await b.get(`/cli/authorize?${new URLSearchParams(authorizeParams(pkce().challenge, { client: "<b>laptop</b>" }))}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Sign in <code>da</code> on <span>&lt;b&gt;laptop&lt;/b&gt;</span>?");
    expect(html.replaceAll('value="<b>laptop</b>"', "")).not.toContain("<b>laptop</b>"); // attributes may hold it, quoted
    expect(html).toContain('value="authorize"');
    expect(html).toContain('value="cancel"');
    expect(res.headers.get("content-security-policy")).toContain("form-action 'self' http://127.0.0.1:45678;");
  });

  test("sends a browser without a session to /login, and back here afterwards", async () => {
    const query = new URLSearchParams(authorizeParams(pkce().challenge));
    const res = await t.handle(`/cli/authorize?${query}`, { headers: { accept: "text/html" } });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location")!, "http://localhost");
    expect(location.pathname).toBe("/login");
    expect(location.searchParams.get("next")).toBe(`/cli/authorize?${query}`);
  });

  test.each([["abc"], ["0"], ["80"], ["1023"], ["65536"], ["99999"], ["1e4"], ["-1"], [""], ["4567 8"]])(
    "port %p is refused with 400 and no redirect",
    async (port) => {
      const b = await t.browser();
      const params = authorizeParams(pkce().challenge, { port });
      const page = await b.get(`/cli/authorize?${new URLSearchParams(params)}`);
      expect(page.status).toBe(400);
      expect(await page.text()).toContain("port must be a number from 1024 to 65535");
      const post = await b.post("/cli/authorize", { ...params, decision: "authorize" });
      expect(post.status).toBe(400);
      expect(post.headers.get("location")).toBeNull();
    },
  );

  test("plain PKCE, a missing state or a malformed challenge is refused", async () => {
    const b = await t.browser();
    const { challenge } = pkce();
    const bad: Record<string, string>[] = [{ code_challenge_method: "plain" }, { state: "" }, { state: "short" }, { code_challenge: "x".repeat(42) }];
    for (const over of bad) {
      const res = await b.get(`/cli/authorize?${new URLSearchParams(authorizeParams(challenge, over))}`);
      expect(res.status).toBe(400);
    }
  });
});

describe("approving", () => {
  test("gives da a CLI session named for its host, listed with its kind, 30 days long, in the LoginResponse shape", async () => {
    const b = await t.browser();
    const { verifier, challenge } = pkce();
    const res = await redeem(await approve(b, challenge), verifier);
    expect(res.status).toBe(200);
    const body = (await res.json()) as LoginResponse;
    expect(Object.keys(body).sort()).toEqual(["access_token", "email", "expires_at", "role", "token_type", "user_id"]);
    expect(body).toMatchObject({ token_type: "bearer", email: ADMIN_EMAIL, role: "admin" });
    expect(new Date(body.expires_at).getTime() - t.clock.now().getTime()).toBe(30 * 86_400_000);
    const me = await t.api("GET", "/auth/me", { token: body.access_token });
    expect(await me.json()).toMatchObject({ email: ADMIN_EMAIL, auth: "session" });
    const sessions = (await (await t.api("GET", "/auth/sessions", { token: body.access_token })).json()) as Session[];
    const cli = sessions.find((s) => s.kind === "cli")!;
    expect(cli).toMatchObject({ name: "da on laptop", current: true, expires_at: body.expires_at });
    expect(sessions.find((s) => s.kind === "browser")).toMatchObject({ name: null, current: false });
    const profile = await (await b.get("/profile")).text();
    expect(profile).toContain("da on laptop");
  });

  test("CLI_SESSION_DAYS sets the CLI session's lifetime", async () => {
    await t.close();
    t = await createTestApp({ env: { CLI_SESSION_DAYS: "7" } });
    const { verifier, challenge } = pkce();
    const body = (await (await redeem(await approve(await t.browser(), challenge), verifier)).json()) as LoginResponse;
    expect(new Date(body.expires_at).getTime() - t.clock.now().getTime()).toBe(7 * 86_400_000);
  });

  test("Cancel sends the browser back with error=access_denied and no code", async () => {
    const b = await t.browser();
    const res = await b.post("/cli/authorize", { ...authorizeParams(pkce().challenge), decision: "cancel" });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("location")!);
    expect(Object.fromEntries(location.searchParams)).toEqual({ error: "access_denied", state: "state-0123456789abcdef" });
  });
});

describe("redeeming a code", () => {
  test("works once: the second redemption is refused", async () => {
    const { verifier, challenge } = pkce();
    const code = await approve(await t.browser(), challenge);
    expect((await redeem(code, verifier)).status).toBe(200);
    const again = await redeem(code, verifier);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: "invalid_grant", detail: expect.stringContaining("used or expired") });
  });

  test("two redemptions at once give one session", async () => {
    const { verifier, challenge } = pkce();
    const code = await approve(await t.browser(), challenge);
    const results = await Promise.all(Array.from({ length: 5 }, () => redeem(code, verifier)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400]);
  });

  test("another client's verifier fails and spends the code, so the right one fails afterwards too", async () => {
    const mine = pkce();
    const code = await approve(await t.browser(), mine.challenge);
    const wrong = await redeem(code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).detail).toContain("does not match");
    expect((await redeem(code, mine.verifier)).status).toBe(400);
  });

  test("is refused after 2 minutes", async () => {
    const { verifier, challenge } = pkce();
    const code = await approve(await t.browser(), challenge);
    t.clock.advance(2 * 60_000);
    const res = await redeem(code, verifier);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe("invalid_grant");
  });

  test("is refused when the approving account was deactivated meanwhile", async () => {
    const id = await t.createUser("ann@example.com", "ann-password-1");
    const { verifier, challenge } = pkce();
    const code = await approve(await t.browser("ann@example.com", "ann-password-1"), challenge);
    const admin = await t.login();
    expect((await t.api("POST", `/api/users/${id}/deactivate`, { token: admin })).status).toBe(200);
    const res = await redeem(code, verifier);
    expect(await res.json()).toMatchObject({ error: "access_denied" });
  });

  test("wrong codes are limited per client address (429 beyond 10), but a neighbour's guesses never block a real code", async () => {
    const { verifier, challenge } = pkce();
    const code = await approve(await t.browser(), challenge);
    const wrong = await Promise.all(Array.from({ length: 15 }, () => redeem(randomBytes(32).toString("base64url"), verifier)));
    expect(wrong.filter((r) => r.status === 400).length).toBe(10);
    expect(wrong.filter((r) => r.status === 429).length).toBe(5);
    // 256-bit codes cannot be guessed: a real one from the same address still works.
    expect((await redeem(code, verifier)).status).toBe(200);
  });
});

describe("who may approve", () => {
  test("a confirm POST without the CSRF token, or from another origin, is refused and issues no code", async () => {
    const b = await t.browser();
    const fields = { ...authorizeParams(pkce().challenge), decision: "authorize" };
    const form = { "content-type": "application/x-www-form-urlencoded", accept: "text/html", cookie: b.cookie };
    const noCsrf = await t.handle("/cli/authorize", { method: "POST", headers: form, body: new URLSearchParams(fields) });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.headers.get("location")).toBeNull();
    const foreign: Record<string, string>[] = [{ origin: "https://evil.example" }, { "sec-fetch-site": "cross-site" }];
    for (const extra of foreign) {
      const body = new URLSearchParams({ ...fields, _csrf: b.csrf });
      const res = await t.handle("/cli/authorize", { method: "POST", headers: { ...form, ...extra }, body });
      expect(res.status).toBe(403);
      expect(res.headers.get("location")).toBeNull();
    }
  });

  test("a personal access token, or a session token as a bearer, cannot authorize", async () => {
    const session = await t.login();
    const created = await t.api("POST", "/auth/tokens", { token: session, body: { name: "ci", expires_in_days: 30 } });
    const pat = ((await created.json()) as { token: string }).token;
    const query = new URLSearchParams(authorizeParams(pkce().challenge));
    for (const token of [pat, session]) {
      const page = await t.handle(`/cli/authorize?${query}`, { headers: { accept: "text/html", authorization: `Bearer ${token}` } });
      expect(page.status).toBe(403);
      const post = await t.api("POST", "/cli/authorize", { token, body: { ...Object.fromEntries(query), decision: "authorize" } });
      expect(post.status).toBe(403);
      expect(post.headers.get("location")).toBeNull();
    }
  });
});

describe("a CLI session ends like any session", () => {
  async function cliSession(b: Browser): Promise<string> {
    const { verifier, challenge } = pkce();
    return ((await (await redeem(await approve(b, challenge), verifier)).json()) as LoginResponse).access_token;
  }

  test("when the password changes, and when it is signed out on /profile", async () => {
    const b = await t.browser();
    const first = await cliSession(b);
    const sessions = (await (await t.api("GET", "/auth/sessions", { token: first })).json()) as Session[];
    const id = sessions.find((s) => s.current)!.id;
    expect((await b.post(`/profile/sessions/${id}/end`, { confirm: "yes" })).status).toBe(303);
    expect((await t.api("GET", "/auth/me", { token: first })).status).toBe(401);

    const second = await cliSession(b);
    const change = await b.post("/profile/password", {
      current_password: "admin-password-1",
      new_password: "a-new-password-2",
      new_password_confirm: "a-new-password-2",
    });
    expect(change.status).toBe(303);
    expect((await t.api("GET", "/auth/me", { token: second })).status).toBe(401);
  });

  test("when da signs out (POST /logout), the role changes, or the user is deactivated", async () => {
    const id = await t.createUser("bob@example.com", "bob-password-1");
    const first = await cliSession(await t.browser("bob@example.com", "bob-password-1"));
    expect((await t.api("POST", "/logout", { token: first })).status).toBe(303);
    expect((await t.api("GET", "/auth/me", { token: first })).status).toBe(401);
    const third = await cliSession(await t.browser("bob@example.com", "bob-password-1"));
    expect((await t.api("PATCH", `/api/users/${id}`, { token: await t.login(), body: { role: "viewer" } })).status).toBe(200);
    expect((await t.api("GET", "/auth/me", { token: third })).status).toBe(401);
    const second = await cliSession(await t.browser("bob@example.com", "bob-password-1"));
    await t.api("POST", `/api/users/${id}/deactivate`, { token: await t.login() });
    expect((await t.api("GET", "/auth/me", { token: second })).status).toBe(401);
  });
});

test("the /install page shows the browser sign-in first, then the code and the script flags", async () => {
  const html = await (await t.handle("/install", { headers: { accept: "text/html" } })).text();
  const at = (text: string) => html.indexOf(text);
  expect(at("in your browser")).toBeGreaterThan(at("da login"));
  expect(at("da login --device")).toBeGreaterThan(at("in your browser"));
  expect(at("--password-stdin")).toBeGreaterThan(at("da login --device"));
});
