// The first request of a session token this process has not checked (src/http/credential-check.ts):
// after a restart the token's claims are not cached, so the `auth` guard, which resolves who is asking
// synchronously, leaves the signature check to the front door: before routing for a request that may
// carry a body, and by routing a read once more after the check. "Restart" here is a second app on the
// same data directory: the sessions are in the database, the checked tokens are not.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";

let before: TestApp;
let after: TestApp;
let token: string;
// One token per write test, each unchecked by the second app when its test starts.
let forBody: string;
let forDelete: string;
let forSlowBody: string;
let cookieSession: ReturnType<TestApp["browserWith"]>;

beforeAll(async () => {
  before = await createTestApp();
  token = await before.login();
  forBody = await before.login();
  forDelete = await before.login();
  forSlowBody = await before.login();
  const browserToken = (await before.browser()).token;
  after = await createTestApp({ dataDir: before.dataDir, withAdmin: false });
  cookieSession = after.browserWith(browserToken);
});
afterAll(async () => {
  await after.close();
  await before.close();
});

/** The log lines the front door wrote for one method and path. */
const requestLines = (app: TestApp, method: string, path: string, from = 0) =>
  app.log.lines.slice(from).filter((line) => line.includes('"event":"request"') && line.includes(`"method":"${method}"`) && line.includes(`"path":"${path}"`));

describe("a session token signed before the restart", () => {
  test("a read is answered (routed again after the check) and logged once", async () => {
    const res = await after.api("GET", "/auth/me", { token });
    expect(res.status).toBe(200);
    expect((await res.clone().json()).auth).toBe("session");
    expect(requestLines(after, "GET", "/auth/me")).toHaveLength(1);
    // Checked now: the next read resolves at once.
    expect(after.ctx.signer.claimsIfChecked(token)?.sub).toBe((await res.clone().json()).id);
  });

  test("a write with a body is checked before routing, so its body is read once", async () => {
    expect(after.ctx.signer.claimsIfChecked(forBody)).toBeUndefined();
    const res = await after.api("POST", "/auth/tokens", { token: forBody, body: { name: "after restart", scopes: ["query"] } });
    expect(res.status).toBe(201);
    expect((await res.json()).name).toBe("after restart");
  });

  test("a write without a body is checked before routing", async () => {
    const created = await (await after.api("POST", "/auth/tokens", { token, body: { name: "to revoke" } })).json();
    expect(after.ctx.signer.claimsIfChecked(forDelete)).toBeUndefined();
    const res = await after.api("DELETE", `/auth/tokens/${created.id}`, { token: forDelete });
    expect(res.status).toBe(204);
  });

  test("a page with the session cookie, and a form post with its CSRF token", async () => {
    expect((await cookieSession.get("/profile")).status).toBe(200);
    const posted = await cookieSession.post("/profile/tokens", { name: "from a form", expires_in_days: "30", scopes: "query" });
    expect(posted.status).toBe(303);
  });

  test("a write whose token leaves the cache while its body arrives still uses the check made before routing", async () => {
    // Others' tokens can push this one out of the bounded cache (a burst of 10,000 others) while a
    // slow body is still arriving; the check the front door waited for must not be lost with it.
    const encoder = new TextEncoder();
    let finish!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('{"name": "slow body",'));
        finish = () => {
          controller.enqueue(encoder.encode(' "scopes": ["query"]}'));
          controller.close();
        };
      },
    });
    const headers = { authorization: `Bearer ${forSlowBody}`, "content-type": "application/json", accept: "application/json" };
    const answer = after.handle("/auth/tokens", { method: "POST", headers, body, duplex: "half" } as RequestInit);
    while (after.ctx.signer.claimsIfChecked(forSlowBody) === undefined) await Bun.sleep(1);
    (after.ctx.signer as unknown as { verified: { clear(): void } }).verified.clear();
    finish();
    const res = await answer;
    expect(res.status).toBe(201);
    expect((await res.json()).name).toBe("slow body");
  });
});

describe("a session token that does not verify", () => {
  const forged = () => {
    const [header, payload, signature] = token.split(".");
    return `${header}.${payload}.${signature!.slice(0, -4)}AAAA`;
  };

  test("a read and a write get 401, once checked and again from the remembered outcome", async () => {
    const bad = forged();
    for (let i = 0; i < 2; i++) {
      expect((await after.api("GET", "/auth/me", { token: bad })).status).toBe(401);
      expect((await after.api("POST", "/auth/tokens", { token: bad, body: { name: "nope" } })).status).toBe(401);
    }
    expect(after.ctx.signer.claimsIfChecked(bad)).toBeNull();
  });

  test("an oversized token is refused without a check", async () => {
    expect(after.ctx.signer.claimsIfChecked(`${token}${"a".repeat(5000)}`)).toBeNull();
    expect((await after.api("GET", "/auth/me", { token: `${token}${"a".repeat(5000)}` })).status).toBe(401);
  });
});

test("a read whose token is still unchecked when routed again gets a 503, not a loop", async () => {
  const third = await createTestApp({ dataDir: before.dataDir, withAdmin: false });
  try {
    // As if the cache forgot the token between the check and the second routing.
    third.ctx.signer.claimsIfChecked = () => undefined;
    const res = await third.api("GET", "/auth/me", { token });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await res.json()).detail).toContain("try again");
  } finally {
    await third.close();
  }
});

// Every read behind the guard must survive being routed twice: the same answer for a token checked
// before and one checked only now, and one log line (a route that answered the first routing itself,
// or that wrote something before the guard, would show here).
test("every GET route answers a just-checked session token as it answers a checked one", async () => {
  const browserToken = (await after.browser()).token;
  const apiToken = await after.login();
  const verified = (after.ctx.signer as unknown as { verified: { clear(): void } }).verified;
  const reads = (after.app.routes as unknown as { method: string; path: string }[]).filter((r) => r.method === "GET");
  const differences: string[] = [];
  for (const { path: template } of reads) {
    const path = template.replace(/:[a-zA-Z_]+/g, "x").replace(/\*/g, "x");
    const asPage = () => after.handle(path, { headers: { cookie: `access_token=${browserToken}`, accept: "text/html" } });
    for (const send of [() => after.api("GET", path, { token: apiToken }), asPage]) {
      // Checked now, whatever happened to the token's check before.
      for (const known of [apiToken, browserToken]) await after.ctx.signer.verify(known);
      const checked = await send();
      await checked.arrayBuffer();
      verified.clear();
      const lines = after.log.lines.length;
      const fresh = await send();
      await fresh.arrayBuffer();
      const logged = requestLines(after, "GET", path, lines).length;
      if (fresh.status !== checked.status || logged !== 1) differences.push(`${path}: ${checked.status} then ${fresh.status}, ${logged} log lines`);
    }
  }
  expect(reads.length).toBeGreaterThan(50);
  expect(differences).toEqual([]);
});

// An expired token is refused for good: the signer remembers it as refused, so a write that found it
// refused before routing finds it refused again in the guard (it once found it "not checked yet" the
// second time, after the signer had dropped it from its cache, and answered 503).
test("a write with an expired session token gets 401 every time, never 503", async () => {
  const t = await createTestApp();
  try {
    const expiring = await t.login();
    t.clock.advance(25 * 3_600_000);
    for (let i = 0; i < 3; i++) {
      expect((await t.api("POST", "/auth/tokens", { token: expiring, body: { name: "late" } })).status).toBe(401);
      expect((await t.api("GET", "/auth/me", { token: expiring })).status).toBe(401);
    }
  } finally {
    await t.close();
  }
});
