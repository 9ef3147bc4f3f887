// Two-factor sign-in and passkeys in headless Chromium (issue 26): MFA_REQUIRED=admins holds an admin
// to enrolling; an authenticator app enrolled (the test computes the codes), then password + code and
// password + recovery code; a passkey registered with Chromium's virtual authenticator (CDP WebAuthn)
// signs in alone; tampered ceremonies (challenge, origin, RP ID) are refused.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "../helpers/browser";
import { freePort } from "../helpers/ports";
import { startServer, type RunningServer } from "../helpers/server";
import { totpCode } from "../helpers/totp";

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const PERSON = { email: "pia@example.com", password: "pia-password-1" };

let server: RunningServer;
let browser: Browser;
let base: string;
let adminToken: string;
beforeAll(async () => {
  const port = freePort();
  // WebAuthn needs a domain as its RP ID (not an IP address): the pages are opened at localhost.
  base = `http://localhost:${port}`;
  const env = { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password, PORT: String(port), PUBLIC_URL: base, MFA_REQUIRED: "admins" };
  [server, browser] = await Promise.all([startServer({ env }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function passwordStep(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('input[name="email"]', who.email);
  await page.fill('input[name="password"]', who.password);
  await page.click('form[action^="/login"] button[type="submit"]');
}

/** Sets up the app on /profile/two-factor; returns the key the page showed. */
async function enrolApp(page: Page): Promise<string> {
  await page.goto(`${base}/profile/two-factor`);
  await page.click('form[action="/profile/two-factor/totp"] button[type="submit"]');
  await page.waitForURL(`${base}/profile/two-factor/totp`);
  expect(await page.locator("img.qr").getAttribute("src")).toStartWith("data:image/svg+xml;base64,");
  const secret = (await page.locator("#totp-secret").textContent())!;
  await page.fill('input[name="code"]', totpCode(secret, new Date()));
  await page.click('form[action="/profile/two-factor/totp/confirm"] button[type="submit"]');
  await page.waitForURL(`${base}/profile/two-factor`);
  return secret;
}

async function signOut(page: Page): Promise<void> {
  await page.click('form[action="/logout"] button[type="submit"]');
  await page.waitForURL(`${base}/login`);
}

test("MFA_REQUIRED=admins: after the password an admin without a factor can only enrol; then everything opens", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await passwordStep(page, ADMIN);
  await page.waitForURL(`${base}/profile/two-factor`);
  expect(await page.locator("main").textContent()).toContain("requires a second factor for your account");
  await page.goto(`${base}/admin/users`);
  expect(page.url()).toBe(`${base}/profile/two-factor`);
  const secret = await enrolApp(page);
  await page.goto(`${base}/admin/users`);
  expect(page.url()).toBe(`${base}/admin/users`);
  const login = await fetch(`${server.url}/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...ADMIN, otp: totpCode(secret, new Date(Date.now() + 30_000)) }),
  });
  expect(login.status).toBe(200);
  adminToken = ((await login.json()) as { access_token: string }).access_token;
  const created = await fetch(`${server.url}/api/users`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ ...PERSON, role: "analyst", must_change_password: false }),
  });
  expect(created.status).toBe(201);
  await context.close();
});

test("an authenticator app: enrol, sign out, sign in with password + code, then with a recovery code", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await passwordStep(page, PERSON);
  await page.waitForURL(`${base}/dashboard`);
  const secret = await enrolApp(page);
  const codes = (await page.locator("pre.recovery-codes").textContent())!.trim().split(/\s+/);
  expect(codes).toHaveLength(10);
  await signOut(page);
  await passwordStep(page, PERSON);
  await page.waitForURL(`${base}/login/second-step`);
  await page.fill('input[name="code"]', totpCode(secret, new Date(Date.now() + 30_000)));
  await page.click('form[action="/login/second-step"] button[type="submit"]');
  await page.waitForURL(`${base}/dashboard`);
  await signOut(page);
  await passwordStep(page, PERSON);
  await page.waitForURL(`${base}/login/second-step`);
  await page.fill('input[name="code"]', codes[0]!);
  await page.click('form[action="/login/second-step"] button[type="submit"]');
  await page.waitForURL(`${base}/dashboard`);
  await page.goto(`${base}/profile/two-factor`);
  expect(await page.locator("#recovery").textContent()).toContain("9 of 10 unused");
  await context.close();
});

async function withAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

test("a passkey: registered on /profile/two-factor, it signs in alone and as the second step; tampered ceremonies are refused", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await withAuthenticator(context, page);
  const pax = { email: "pax@example.com", password: "pax-password-1" };
  const created = await fetch(`${server.url}/api/users`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ ...pax, role: "analyst", must_change_password: false }),
  });
  expect(created.status).toBe(201);
  await passwordStep(page, pax);
  await page.waitForURL(`${base}/dashboard`);
  await page.goto(`${base}/profile/two-factor`);
  await page.fill("#passkey-name", "Laptop <b>key</b>");
  await page.click("#passkey-add");
  await page.waitForFunction(() => document.querySelector("#passkeys td")?.textContent === "Laptop <b>key</b>", undefined, { timeout: 10_000 });
  await signOut(page);
  await page.goto(`${base}/login`);
  const refused = await page.evaluate(tamperedSignIns);
  expect(refused).toEqual({ challenge: 401, origin: 401, rpId: 401 });
  await page.click("#passkey-button");
  await page.waitForURL(`${base}/dashboard`, { timeout: 10_000 });
  await page.goto(`${base}/profile/two-factor`);
  expect(await page.locator("#passkeys").textContent()).not.toContain("never");
  // The passkey is now also the second step after the password.
  await signOut(page);
  await passwordStep(page, pax);
  await page.waitForURL(`${base}/login/second-step`);
  await page.click("#passkey-button");
  await page.waitForURL(`${base}/dashboard`, { timeout: 10_000 });
  await context.close();
});

/** In the page: three assertions made by the authenticator, each posted with one thing changed. */
async function tamperedSignIns(): Promise<Record<string, number>> {
  const lib = (window as unknown as { SimpleWebAuthnBrowser: { startAuthentication: (o: unknown) => Promise<Record<string, unknown>> } }).SimpleWebAuthnBrowser;
  const post = (path: string, body: unknown) =>
    fetch(path, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body) });
  const ceremony = async () => (await (await post("/login/passkey/options", {})).json()) as { options: unknown; ceremony: string };
  const b64 = (bytes: Uint8Array) =>
    btoa(String.fromCharCode(...bytes))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");
  const unb64 = (text: string) => Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));
  const result: Record<string, number> = {};
  // Another ceremony's challenge.
  const a = await ceremony();
  const b = await ceremony();
  const signed = await lib.startAuthentication({ optionsJSON: a.options });
  result.challenge = (await post("/login/passkey", { ceremony: b.ceremony, response: signed })).status;
  // Another origin in the signed client data.
  const c = await ceremony();
  const forOrigin = await lib.startAuthentication({ optionsJSON: c.options });
  const response = forOrigin.response as Record<string, string>;
  const clientData = JSON.parse(new TextDecoder().decode(unb64(response.clientDataJSON!)));
  clientData.origin = "https://evil.example";
  response.clientDataJSON = b64(new TextEncoder().encode(JSON.stringify(clientData)));
  result.origin = (await post("/login/passkey", { ceremony: c.ceremony, response: forOrigin })).status;
  // Another relying party's hash in the authenticator data.
  const d = await ceremony();
  const forRp = await lib.startAuthentication({ optionsJSON: d.options });
  const rpResponse = forRp.response as Record<string, string>;
  const authData = unb64(rpResponse.authenticatorData!);
  authData.set(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("evil.example"))), 0);
  rpResponse.authenticatorData = b64(authData);
  result.rpId = (await post("/login/passkey", { ceremony: d.ceremony, response: forRp })).status;
  return result;
}
