// What an attacker or a broken provider can send to the callback: a forged or replayed state, an
// expired attempt, an ID token for another client or signed by an unknown key, a provider that is
// down, and a flood of bogus callbacks. Each ends on a readable page, audited, with nothing created.
import { afterAll, beforeAll, beforeEach, expect, setSystemTime, test } from "bun:test";
import { createServer } from "node:net";
import { BASE, cookieFrom, createTestApp } from "../helpers/app";
import { atProvider, auditActions, callback, signInAs, ssoFixture, startSignIn, whoAmI, type SsoFixture } from "./harness";

let f: SsoFixture;
beforeAll(async () => {
  f = await ssoFixture(["idp", "flaky"], { OIDC_IDP_ALLOWED_DOMAINS: "idp.example", OIDC_FLAKY_ALLOWED_DOMAINS: "idp.example" });
  f.providers.idp!.accounts.set("sub-mallory", { email: "mallory@idp.example", email_verified: true });
  f.providers.flaky!.accounts.set("sub-mallory", { email: "mallory@idp.example", email_verified: true });
});
afterAll(() => f?.stop());
// Failed callbacks spend failure slots per client address; every test starts with a fresh window.
beforeEach(() => f.t.clock.advance(16 * 60_000));

async function expectRefused(res: Response, status: number, text: string, reason: string): Promise<void> {
  expect(res.status).toBe(status);
  const html = await res.text();
  expect(html).toContain(text);
  expect(html).toContain("Back to sign-in");
  expect(cookieFrom(res, "access_token")).toBeNull();
  const refusals = await auditActions(f.t, "auth.login_refused");
  expect(refusals.at(-1)).toMatchObject({ reason });
  expect(await f.t.ctx.db.query("SELECT id FROM users WHERE email = 'mallory@idp.example'")).toEqual([]);
}

test("a tampered state, or a tampered attempt cookie, is refused", async () => {
  const started = await startSignIn(f.t, "idp");
  const url = new URL(await atProvider("idp", started, "sub-mallory"));
  url.searchParams.set(
    "state",
    url.searchParams.get("state")!.replace(/^./, (c) => (c === "A" ? "B" : "A")),
  );
  await expectRefused(await callback(f.t, url.href, started.attemptCookie), 400, "does not belong to the sign-in this browser started", "state_mismatch");

  const again = await startSignIn(f.t, "idp");
  const good = await atProvider("idp", again, "sub-mallory");
  const forged = again.attemptCookie.slice(0, -2) + (again.attemptCookie.endsWith("AA") ? "BB" : "AA");
  await expectRefused(await callback(f.t, good, forged), 400, "does not belong", "state_mismatch");
  await expectRefused(await callback(f.t, good, null), 400, "no sign-in in progress", "attempt_missing");
});

test("a callback is single use: replaying it, cookie included, is refused", async () => {
  f.providers.idp!.accounts.set("sub-once", { email: "once@idp.example", email_verified: true });
  const started = await startSignIn(f.t, "idp");
  const url = await atProvider("idp", started, "sub-once");
  const first = await callback(f.t, url, started.attemptCookie);
  expect(first.status).toBe(303);
  const replays = await Promise.all([callback(f.t, url, started.attemptCookie), callback(f.t, url, started.attemptCookie)]);
  for (const replay of replays) {
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("already used");
    expect(cookieFrom(replay, "access_token")).toBeNull();
  }
});

test("an attempt older than ten minutes has expired", async () => {
  const started = await startSignIn(f.t, "idp");
  const url = await atProvider("idp", started, "sub-mallory");
  f.t.clock.advance(11 * 60_000);
  await expectRefused(await callback(f.t, url, started.attemptCookie), 400, "took too long", "attempt_expired");
});

test("an ID token for another audience, or signed by a key not in the provider's JWKS, is refused", async () => {
  const idp = f.providers.idp!;
  try {
    idp.misbehave = "wrong-audience";
    await expectRefused(await signInAs(f.t, "idp", "sub-mallory"), 400, "an answer Agnes cannot accept", "token_rejected:OAUTH_JWT_CLAIM_COMPARISON_FAILED");
    idp.misbehave = "unknown-key";
    await expectRefused(await signInAs(f.t, "idp", "sub-mallory"), 400, "an answer Agnes cannot accept", "token_rejected:OAUTH_KEY_SELECTION_FAILED");
  } finally {
    idp.misbehave = "none";
  }
  expect((await signInAs(f.t, "idp", "sub-mallory")).status).toBe(303);
  await f.t.ctx.db.run("DELETE FROM oidc_identities");
  await f.t.ctx.db.run("DELETE FROM users WHERE email = 'mallory@idp.example'");
});

test("keys rotated at the provider are picked up from its JWKS", async () => {
  f.providers.idp!.accounts.set("sub-rota", { email: "rota@idp.example", email_verified: true });
  const before = await whoAmI(f.t, await signInAs(f.t, "idp", "sub-rota"));
  f.providers.idp!.rotateKeys();
  // openid-client re-reads a JWKS for an unknown key id once its copy is a minute old.
  setSystemTime(new Date(Date.now() + 61_000));
  try {
    expect((await whoAmI(f.t, await signInAs(f.t, "idp", "sub-rota"))).id).toBe(before.id);
  } finally {
    setSystemTime();
  }
});

test("the provider's refusal (access_denied) and a provider that went down end on readable pages", async () => {
  const started = await startSignIn(f.t, "idp");
  await expectRefused(
    await callback(f.t, await atProvider("idp", started, "sub-mallory", true), started.attemptCookie),
    403,
    "cancelled or refused at Idp",
    "provider_error:access_denied",
  );

  const flaky = await startSignIn(f.t, "flaky");
  const url = await atProvider("flaky", flaky, "sub-mallory");
  await f.providers.flaky!.stop();
  await expectRefused(await callback(f.t, url, flaky.attemptCookie), 502, "could not reach Flaky", "provider_unreachable");
});

test("a flood of bogus callbacks from one client stops at the failure limit, with a readable page", async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) {
    const res = await f.t.handle(`/auth/oidc/idp/callback?code=bogus&state=bogus-${i}`, {
      headers: { accept: "text/html", cookie: "agnes_oidc=forged.value" },
    });
    statuses.push(res.status);
    if (res.status === 429) expect(await res.text()).toContain("Too many failed single sign-in attempts");
  }
  expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
  expect(statuses.slice(10)).toEqual([429, 429]);
  expect((await f.t.handle("/auth/oidc/nope/callback?code=x&state=y", { headers: { accept: "text/html" } })).status).toBe(404);
});

test("a provider that is down when someone presses its button gives a readable 502 page and writes nothing", async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
  const t = await createTestApp({
    env: { PUBLIC_URL: BASE, OIDC_PROVIDERS: "down", OIDC_DOWN_ISSUER: `http://127.0.0.1:${port}`, OIDC_DOWN_CLIENT_ID: "c", OIDC_DOWN_CLIENT_SECRET: "s" },
  });
  try {
    const res = await t.handle("/auth/oidc/down/start?next=/profile", { headers: { accept: "text/html" } });
    expect(res.status).toBe(502);
    const html = await res.text();
    expect(html).toContain("Agnes could not reach Down");
    expect(html).toContain('href="/login?next=%2Fprofile"');
    expect(cookieFrom(res, "agnes_oidc")).toBeNull();
    expect(await t.ctx.db.query("SELECT id FROM audit_log WHERE action = 'auth.login_refused'")).toEqual([]);
  } finally {
    await t.close();
  }
});
