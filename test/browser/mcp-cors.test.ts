// A browser-based MCP client on another site (as the MCP Inspector at http://localhost:6274 is)
// against the real server: the official SDK, bundled for Chromium, discovers, registers and calls
// tools across origins, reads the 401's challenge and an OAuth error; the person's Agnes cookie in
// the same browser is never sent along (and a fetch that insists on sending it is refused), and the
// cookie routes stay unreadable from that page.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { launchBrowser, signIn } from "../helpers/browser";
import { startServer, type RunningServer } from "../helpers/server";

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
let server: RunningServer;
let browser: Browser;
let site: ReturnType<typeof Bun.serve>;

beforeAll(async () => {
  server = await startServer({ env: { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password } });
  const bundle = await Bun.build({ entrypoints: [join(import.meta.dir, "../helpers/mcp-browser-client.ts")], target: "browser" });
  if (!bundle.success) throw new AggregateError(bundle.logs, "bundling the browser MCP client failed");
  const script = await bundle.outputs[0]!.text();
  site = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request) =>
      new URL(request.url).pathname === "/client.js"
        ? new Response(script, { headers: { "content-type": "text/javascript" } })
        : new Response('<!doctype html><title>inspector</title><script type="module" src="/client.js"></script>', { headers: { "content-type": "text/html" } }),
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.stop(true);
  await server?.stop();
});

async function personalToken(): Promise<string> {
  const login = await fetch(`${server.url}/auth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
  const session = ((await login.json()) as { access_token: string }).access_token;
  const made = await fetch(`${server.url}/auth/tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${session}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "inspector" }),
  });
  return ((await made.json()) as { token: string }).token;
}

test("the SDK in a page of another site discovers, registers and calls tools; cookie routes stay closed", async () => {
  const pat = await personalToken();
  const page = await browser.newPage();
  await signIn(page, server.url, ADMIN.email, ADMIN.password); // the person's Agnes cookie is in this browser
  // Another site: the server is reached as 127.0.0.1, the page is served from localhost.
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(`http://localhost:${site.port}/`);
  await page.waitForFunction(() => "probe" in globalThis);
  expect(errors).toEqual([]);
  const redirect = `http://localhost:${site.port}/oauth/callback`;
  const result = await page.evaluate(
    ([base, token, back]) => (globalThis as unknown as { probe: (b: string, t: string, r: string) => Promise<unknown> }).probe(base!, token!, back!),
    [server.url, pat, redirect],
  );
  expect(result).toEqual({
    challenge: { status: 401, wwwAuthenticate: `Bearer resource_metadata="${server.url}/.well-known/oauth-protected-resource"` },
    resource: `${server.url}/mcp`,
    issuer: server.url,
    clientId: expect.stringMatching(/\S+/),
    tokenError: "invalid_grant",
    tools: ["describe_dataset", "list_datasets", "query", "whoami"],
    whoami: expect.stringContaining(ADMIN.email),
    withCookie: "blocked",
    apiQuery: "blocked",
    authMe: "blocked",
  });
  await page.close();
});
