// Real clients written by others against the real server process: the official MCP TypeScript SDK
// client discovers the metadata, registers, sends Chromium to the consent page (signed in, Allow),
// finishes with the code, lists tools, queries a dataset, refreshes after its access token stops
// working, and is cut off when the grant is revoked on /profile. The same client with a PAT in a
// header. oauth4webapi checks the discovery document and a token response.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type { OAuthClientInformationFull, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import * as oauth from "oauth4webapi";
import { launchBrowser, signIn } from "../helpers/browser";
import { startServer, type RunningServer } from "../helpers/server";

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const REDIRECT = "http://127.0.0.1:45123/callback";
let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  server = await startServer({ env: { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The SDK's OAuth client side, with Chromium as the person's browser. */
class BrowserProvider implements OAuthClientProvider {
  info?: OAuthClientInformationFull;
  saved?: OAuthTokens;
  verifier = "";
  code: string | null = null;
  readonly redirectUrl = REDIRECT;
  readonly clientMetadata = {
    client_name: "SDK Agent",
    redirect_uris: [REDIRECT],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  };
  clientInformation = () => this.info;
  saveClientInformation = (info: OAuthClientInformationFull) => void (this.info = info);
  tokens = () => this.saved;
  saveTokens = (tokens: OAuthTokens) => void (this.saved = tokens);
  saveCodeVerifier = (verifier: string) => void (this.verifier = verifier);
  codeVerifier = () => this.verifier;
  async redirectToAuthorization(url: URL): Promise<void> {
    const page = await browser.newPage();
    await page.route(`${REDIRECT}**`, (route) => {
      this.code = new URL(route.request().url()).searchParams.get("code");
      return route.fulfill({ body: "done" });
    });
    await signIn(page, server.url, ADMIN.email, ADMIN.password);
    await page.goto(url.href);
    expect(await page.locator("h1").textContent()).toContain("SDK Agent");
    await page.click('button[value="allow"]');
    await page.waitForURL(`${REDIRECT}**`, { timeout: 10_000 });
    await page.close();
  }
}

async function connected(provider: BrowserProvider): Promise<Client> {
  const client = new Client({ name: "test-agent", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { authProvider: provider }));
  return client;
}

async function seedDataset(token: string) {
  const res = await fetch(`${server.url}/api/datasets?name=sales`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
    body: "region,amount\nnorth,10\nsouth,32\n",
  });
  expect(res.status).toBe(201);
}

test("the MCP SDK client: discovery → registration → consent in Chromium → code → tools → query → refresh → revoked", async () => {
  const session = (
    (await (
      await fetch(`${server.url}/auth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) })
    ).json()) as { access_token: string }
  ).access_token;
  await seedDataset(session);
  const provider = new BrowserProvider();
  const started = performance.now();
  const first = new Client({ name: "test-agent", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { authProvider: provider });
  await expect(first.connect(transport)).rejects.toThrow(/Unauthorized/);
  expect(provider.code).toStartWith("agnes_oac_");
  await transport.finishAuth(provider.code!);
  const client = await connected(provider);
  const tools = await client.listTools();
  const result = (await client.callTool({ name: "query", arguments: { sql: "SELECT sum(amount) AS total FROM sales" } })) as { content: { text: string }[] };
  console.log(`first connection (discovery → consent → first tool call): ${Math.round(performance.now() - started)} ms`);
  expect(tools.tools.map((tool) => tool.name).sort()).toEqual(["describe_dataset", "list_datasets", "query", "whoami"]);
  expect(result.content[0]!.text).toContain("| 42 |");

  // The access token stops working (as at OAUTH_ACCESS_MINUTES); the SDK refreshes on the 401.
  const before = provider.saved!;
  provider.saved = { ...before, access_token: "agnes_oat_expired" };
  const again = await connected(provider);
  expect((await again.callTool({ name: "whoami", arguments: {} })) as unknown).toMatchObject({ content: [{ text: expect.stringContaining(ADMIN.email) }] });
  expect(provider.saved!.refresh_token).not.toBe(before.refresh_token);

  // Revoked on /profile: the client's tokens stop.
  const page = await browser.newPage();
  await signIn(page, server.url, ADMIN.email, ADMIN.password, "/profile");
  expect(await page.locator("#connected-apps").textContent()).toContain("SDK Agent");
  // Revoke asks on a confirmation page (no script dialog), then disconnects.
  await page.click('#connected-apps button:has-text("Revoke")');
  await page.waitForURL(`${server.url}/profile/connected-apps/*/revoke/confirm`);
  await page.click('button:has-text("Disconnect")');
  await page.waitForURL(`${server.url}/profile**`);
  await page.close();
  const res = await fetch(`${server.url}/mcp`, {
    method: "POST",
    headers: { authorization: `Bearer ${provider.saved!.access_token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });
  expect(res.status).toBe(401);
  await client.close();
  await again.close();
});

test("the MCP SDK client with a PAT in a header", async () => {
  const session = (
    (await (
      await fetch(`${server.url}/auth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) })
    ).json()) as { access_token: string }
  ).access_token;
  const pat = (
    (await (
      await fetch(`${server.url}/auth/tokens`, {
        method: "POST",
        headers: { authorization: `Bearer ${session}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "mcp" }),
      })
    ).json()) as { token: string }
  ).token;
  const client = new Client({ name: "pat-agent", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${pat}` } } }));
  const answer = (await client.callTool({ name: "query", arguments: { sql: "SELECT 1 AS one" } })) as { content: { text: string }[] };
  expect(answer.content[0]!.text).toContain("| 1 |");
  await client.close();
});

test("oauth4webapi accepts the authorization server metadata", async () => {
  const issuer = new URL(server.url);
  const response = await oauth.discoveryRequest(issuer, { algorithm: "oauth2", [oauth.allowInsecureRequests]: true });
  const as = await oauth.processDiscoveryResponse(issuer, response);
  expect(as.code_challenge_methods_supported).toEqual(["S256"]);
  expect(as.token_endpoint).toBe(`${server.url}/oauth/token`);
});
