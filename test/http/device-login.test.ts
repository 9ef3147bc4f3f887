// The device flow for `da login --device` (RFC 8628) through the app: the code pair, /device in a
// signed-in browser, the confirm step, and the token endpoint's answers. And guessing user codes.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { ADMIN_EMAIL, createTestApp, type TestApp } from "../helpers/app";
import type { LoginResponse, Session } from "../../src/shared/contract";
import { USER_CODE_ALPHABET } from "../../src/modules/cli-auth/user-code";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

type DeviceCode = { device_code: string; user_code: string; verification_uri: string; verification_uri_complete: string; expires_in: number; interval: number };

async function startDevice(client = "build-box"): Promise<DeviceCode> {
  const res = await t.api("POST", "/auth/device/code", { body: { client_name: client } });
  expect(res.status).toBe(200);
  return (await res.json()) as DeviceCode;
}

const poll = (deviceCode: string) => t.api("POST", "/auth/device/token", { body: { device_code: deviceCode } });

async function pollError(deviceCode: string): Promise<Record<string, unknown>> {
  const res = await poll(deviceCode);
  expect(res.status).toBe(400);
  return (await res.json()) as Record<string, unknown>;
}

/** A wrong code of the right shape (the real one has 20^8 neighbours; this one is not it). */
function wrongCode(real: string): string {
  const flipped = real[0] === "B" ? "C" : "B";
  return `${flipped}${real.slice(1)}`;
}

test("the code pair: an 8-letter user code from an unambiguous alphabet shown as ABCD-EFGH, URIs on this server", async () => {
  const code = await startDevice();
  const letters = `[${USER_CODE_ALPHABET}]`;
  expect(code.user_code).toMatch(new RegExp(`^${letters}{4}-${letters}{4}$`));
  expect(USER_CODE_ALPHABET).not.toMatch(/[AEIOU0-9]/);
  expect(code).toMatchObject({ verification_uri: "http://localhost/device", expires_in: 300, interval: 5 });
  expect(code.verification_uri_complete).toBe(`http://localhost/device?user_code=${code.user_code}`);
  expect(code.device_code.length).toBeGreaterThanOrEqual(43);
});

describe("polling", () => {
  test("pending, then slow_down when too fast (interval grows by 5 s), then pending again at the new pace", async () => {
    const { device_code } = await startDevice();
    expect(await pollError(device_code)).toMatchObject({ error: "authorization_pending", detail: expect.any(String) });
    expect(await pollError(device_code)).toMatchObject({ error: "slow_down", interval: 10 });
    t.clock.advance(10_000);
    expect(await pollError(device_code)).toMatchObject({ error: "authorization_pending" });
  });

  test("an unknown device code is invalid_grant; an expired one expired_token", async () => {
    expect(await pollError("not-a-real-device-code")).toMatchObject({ error: "invalid_grant" });
    const { device_code } = await startDevice();
    t.clock.advance(300_000);
    expect(await pollError(device_code)).toMatchObject({ error: "expired_token" });
  });
});

describe("in the browser", () => {
  test("entering the code (any case, no dash) and authorizing gives da a CLI session, once", async () => {
    const code = await startDevice("build-box");
    const b = await t.browser();
    const form = await (await b.get(`/device?user_code=${code.user_code}`)).text();
    expect(form).toContain(`value="${code.user_code}"`);
    const confirm = await b.post("/device", { user_code: code.user_code.replace("-", "").toLowerCase() });
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toContain("Sign in <code>da</code> on <span>build-box</span>?");
    expect(page).toContain(code.user_code);
    const done = await b.post("/device", { user_code: code.user_code, decision: "authorize" });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/device");

    const res = await poll(code.device_code);
    expect(res.status).toBe(200);
    const session = (await res.json()) as LoginResponse;
    expect(session).toMatchObject({ token_type: "bearer", email: ADMIN_EMAIL, role: "admin" });
    const sessions = (await (await t.api("GET", "/auth/sessions", { token: session.access_token })).json()) as Session[];
    expect(sessions.find((s) => s.current)).toMatchObject({ kind: "cli", name: "da on build-box" });
    expect(await pollError(code.device_code)).toMatchObject({ error: "invalid_grant" });
    // The code is spent: entering it again finds nothing.
    expect((await b.post("/device", { user_code: code.user_code })).status).toBe(400);
  });

  test("Cancel answers the next poll with access_denied", async () => {
    const code = await startDevice();
    const b = await t.browser();
    expect((await b.post("/device", { user_code: code.user_code, decision: "cancel" })).status).toBe(303);
    expect(await pollError(code.device_code)).toMatchObject({ error: "access_denied" });
  });

  test("a wrong or expired code is shown as an error on the form", async () => {
    const code = await startDevice();
    const b = await t.browser();
    const wrong = await b.post("/device", { user_code: wrongCode(code.user_code) });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("That code is not right, or it has expired");
    t.clock.advance(300_000);
    expect((await b.post("/device", { user_code: code.user_code })).status).toBe(400);
  });

  test("guessing is limited: 10 wrong codes per person, then 429 even for the right one, under concurrency too", async () => {
    const code = await startDevice();
    const b = await t.browser();
    const guesses = await Promise.all(Array.from({ length: 16 }, () => b.post("/device", { user_code: wrongCode(code.user_code) })));
    expect(guesses.filter((r) => r.status === 400).length).toBe(10);
    expect(guesses.filter((r) => r.status === 429).length).toBe(6);
    const right = await b.post("/device", { user_code: code.user_code });
    expect(right.status).toBe(429);
    expect(right.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await pollError(code.device_code)).toMatchObject({ error: "authorization_pending" });
  });

  test("a token cannot approve, and a confirm without the CSRF token is refused", async () => {
    const code = await startDevice();
    const session = await t.login();
    const created = await t.api("POST", "/auth/tokens", { token: session, body: { name: "ci", expires_in_days: 30 } });
    const pat = ((await created.json()) as { token: string }).token;
    for (const token of [pat, session]) {
      const res = await t.api("POST", "/device", { token, body: { user_code: code.user_code, decision: "authorize" } });
      expect(res.status).toBe(403);
    }
    const b = await t.browser();
    const noCsrf = await t.handle("/device", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html", cookie: b.cookie },
      body: new URLSearchParams({ user_code: code.user_code, decision: "authorize" }),
    });
    expect(noCsrf.status).toBe(403);
    expect(await pollError(code.device_code)).toMatchObject({ error: "authorization_pending" });
  });

  test("/device sends a browser without a session to /login and back", async () => {
    const res = await t.handle("/device?user_code=BCDF-GHJK", { headers: { accept: "text/html" } });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get("location")!, "http://localhost").searchParams.get("next")).toBe("/device?user_code=BCDF-GHJK");
  });
});
