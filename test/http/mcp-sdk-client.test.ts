// The official MCP SDK client against the in-process app (its fetch is the app's handler), with the
// app's fake clock: when the access token's OAUTH_ACCESS_MINUTES are over, the server refuses it and
// the SDK refreshes with the refresh token by itself; after the refresh lifetime, it must sign in again.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type { OAuthClientInformationFull, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { BASE, createTestApp, type TestApp } from "../helpers/app";
import type { Browser } from "../helpers/credentials";
import { REDIRECT } from "../helpers/oauth";
import { storeCsv } from "../data/helpers";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ env: { OAUTH_ACCESS_MINUTES: "5", OAUTH_REFRESH_DAYS: "2" } });
  await storeCsv(t, "sales", "region,amount\nnorth,10\nsouth,32\n");
});
afterEach(() => t.close());

/** The SDK's client side of OAuth; "the browser" is a signed-in session that posts the consent form. */
class Provider implements OAuthClientProvider {
  info?: OAuthClientInformationFull;
  saved?: OAuthTokens;
  verifier = "";
  code: string | null = null;
  authorizations = 0;
  readonly redirectUrl = REDIRECT;
  readonly clientMetadata = { client_name: "SDK in process", redirect_uris: [REDIRECT], token_endpoint_auth_method: "none" };
  /** A browser signed in now (the first one's session has expired by the second authorization). */
  constructor(private readonly signIn: () => Promise<Browser>) {}
  clientInformation = () => this.info;
  saveClientInformation = (info: OAuthClientInformationFull) => void (this.info = info);
  tokens = () => this.saved;
  saveTokens = (tokens: OAuthTokens) => void (this.saved = tokens);
  // What the SDK calls when the server refuses the refresh token: forget it and authorize again.
  invalidateCredentials = (scope: string) => {
    if (scope === "all" || scope === "tokens") this.saved = undefined;
  };
  saveCodeVerifier = (verifier: string) => void (this.verifier = verifier);
  codeVerifier = () => this.verifier;
  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizations++;
    const browser = await this.signIn();
    const page = await browser.get(url.pathname + url.search);
    expect(page.status).toBe(200);
    const fields = Object.fromEntries(url.searchParams);
    const res = await browser.post("/oauth/authorize", {
      ...fields,
      granted_profile_read: "on",
      granted_sync: "on",
      granted_query: "on",
      decision: "allow",
    });
    this.code = new URL(res.headers.get("location")!).searchParams.get("code");
  }
}

const appFetch = (input: string | URL | Request, init?: RequestInit) => {
  const request = new Request(input, init);
  return t.app.handle(request);
};

async function connect(provider: Provider): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${BASE}/mcp`), { authProvider: provider, fetch: appFetch });
  const client = new Client({ name: "in-process", version: "1.0.0" });
  try {
    await client.connect(transport);
    return client;
  } catch (error) {
    if (!provider.code) throw error;
    await transport.finishAuth(provider.code);
    provider.code = null;
    return connect(provider);
  }
}

const whoami = async (client: Client) => ((await client.callTool({ name: "whoami", arguments: {} })) as { content: { text: string }[] }).content[0]!.text;

test("past OAUTH_ACCESS_MINUTES the SDK refreshes by itself; past OAUTH_REFRESH_DAYS it must authorize again", async () => {
  const provider = new Provider(() => t.browser());
  const client = await connect(provider);
  expect(await whoami(client)).toContain("admin@example.com");
  const first = provider.saved!;
  expect(first.expires_in).toBe(300);

  t.clock.advance(6 * 60_000);
  const refreshed = await connect(provider);
  expect(await whoami(refreshed)).toContain("admin@example.com");
  expect(provider.saved!.refresh_token).not.toBe(first.refresh_token);
  expect(provider.authorizations).toBe(1);

  t.clock.advance(3 * 86_400_000);
  const again = await connect(provider);
  expect(await whoami(again)).toContain("admin@example.com");
  expect(provider.authorizations).toBe(2);
});
