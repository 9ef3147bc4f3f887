// allowed_cidrs: a token used from outside its networks → 401 and a `token.blocked_ip` audit entry,
// with TRUST_PROXY on (the proxy's X-Forwarded-For decides) and off (the socket decides; a forged
// X-Forwarded-For changes nothing), in process and against the real server.
import { afterEach, expect, test } from "bun:test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, type TestApp } from "../helpers/app";
import { startServer, type RunningServer } from "../helpers/server";

let t: TestApp | null = null;
let server: RunningServer | null = null;
afterEach(async () => {
  await t?.close();
  await server?.stop();
  t = null;
  server = null;
});

type Made = { id: string; token: string; allowed_cidrs: string[]; detail?: string };

test("bad networks → 400 naming the entry; good ones are stored in canonical form", async () => {
  t = await createTestApp();
  const session = await t.login();
  const bad = await t.api("POST", "/auth/tokens", { token: session, body: { name: "x", allowed_cidrs: ["10.0.0.0/8", "10.0.0.0/33"] } });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as Made).detail).toContain('"10.0.0.0/33"');
  const good = await t.api("POST", "/auth/tokens", { token: session, body: { name: "y", allowed_cidrs: ["203.0.113.7", "2001:db8::/32"] } });
  expect(((await good.json()) as Made).allowed_cidrs).toEqual(["203.0.113.7/32", "2001:db8::/32"]);
});

test("TRUST_PROXY on: the forwarded address inside the networks works, outside → 401 and token.blocked_ip once a minute", async () => {
  t = await createTestApp({ env: { TRUST_PROXY: "1" } });
  const session = await t.login();
  const made = (await (await t.api("POST", "/auth/tokens", { token: session, body: { name: "ci", allowed_cidrs: ["10.0.0.0/8"] } })).json()) as Made;
  const from = (ip: string) => t!.api("GET", "/auth/me", { token: made.token, headers: { "x-forwarded-for": ip } });
  expect((await from("10.20.30.40")).status).toBe(200);
  expect((await from("192.0.2.1")).status).toBe(401);
  expect((await from("192.0.2.1")).status).toBe(401);
  expect((await from("::ffff:10.1.1.1")).status).toBe(200);
  await Bun.sleep(50);
  const audit = (await (await t.api("GET", "/api/audit?action=token.blocked_ip", { token: session })).json()) as {
    target: string;
    ip: string;
    params: { ip: string };
  }[];
  expect(audit.map((e) => [e.target, e.params.ip])).toEqual([[made.id, "192.0.2.1"]]);
});

test("made on /profile with its networks field; the owner's /profile shows a refused use", async () => {
  t = await createTestApp({ env: { TRUST_PROXY: "1" } });
  const b = await t.browser(ADMIN_EMAIL, ADMIN_PASSWORD, { "x-forwarded-for": "10.9.9.9" });
  const page = await b.submit("/profile/tokens", { name: "office", allowed_cidrs: "10.0.0.0/8, 2001:db8::/32", "scope:profile:read": "on" });
  const token = /agnes_pat_[0-9A-Za-z]{38}/.exec(page)![0];
  expect((await t.api("GET", "/auth/me", { token, headers: { "x-forwarded-for": "198.51.100.4" } })).status).toBe(401);
  await Bun.sleep(50);
  const html = await (await b.get("/profile")).text();
  expect(html).toContain("used from outside the token's networks");
  expect(html).toContain("&quot;office&quot; from 198.51.100.4");
});

test("TRUST_PROXY off, real server: the socket's 127.0.0.1 decides; a forged X-Forwarded-For inside the networks does not help", async () => {
  server = await startServer({ env: { AGNES_ADMIN_EMAIL: ADMIN_EMAIL, AGNES_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  const json = { "content-type": "application/json", accept: "application/json" };
  const login = await fetch(`${server.url}/auth/token`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  const session = ((await login.json()) as { access_token: string }).access_token;
  const make = async (cidrs: string[]) => {
    const res = await fetch(`${server!.url}/auth/tokens`, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${session}` },
      body: JSON.stringify({ name: "n", allowed_cidrs: cidrs }),
    });
    return ((await res.json()) as Made).token;
  };
  const me = (token: string, headers: Record<string, string> = {}) =>
    fetch(`${server!.url}/auth/me`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const local = await make(["127.0.0.0/8"]);
  expect((await me(local)).status).toBe(200);
  const elsewhere = await make(["10.0.0.0/8"]);
  expect((await me(elsewhere, { "x-forwarded-for": "10.1.2.3" })).status).toBe(401);
});
