// PUBLIC_URL with a path (https://host/agnes), behind a proxy that strips the prefix: the issuer is
// that URL, and the discovery documents are where RFC 8414 and RFC 9728 clients look for them — the
// host's root with the path after the well-known part, which the proxy forwards unchanged. Checked
// with the official MCP SDK client's discovery functions, then oauth4webapi through a whole
// authorization (its `iss` check included), then the SDK's MCP client with the token.
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as oauth from "oauth4webapi";
import {
  discoverAuthorizationServerMetadata,
  discoverOAuthMetadata,
  discoverOAuthProtectedResourceMetadata,
  extractResourceMetadataUrl,
  registerClient,
} from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { BASE, createTestApp, type TestApp } from "../helpers/app";
import { authorizeFields, consent, pkce, REDIRECT } from "../helpers/oauth";

const PREFIX = "/agnes";
let t: TestApp;
let proxy: ReturnType<typeof Bun.serve>;
let publicUrl: string;

/** A reverse proxy as an operator would set it up: /agnes/* to Agnes without the prefix, /.well-known/oauth-* unchanged, the rest is not ours. */
async function forward(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname.startsWith(`${PREFIX}/`) ? url.pathname.slice(PREFIX.length) : url.pathname.startsWith("/.well-known/oauth-") ? url.pathname : null;
  if (path === null) return new Response("not here", { status: 404 });
  const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
  return t.app.handle(new Request(`${BASE}${path}${url.search}`, { method: request.method, headers: request.headers, body }));
}

beforeAll(async () => {
  proxy = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: forward });
  publicUrl = `http://127.0.0.1:${proxy.port}${PREFIX}`;
  t = await createTestApp({ env: { PUBLIC_URL: publicUrl } });
});
afterAll(async () => {
  await proxy.stop(true);
  await t.close();
});

test("the SDK finds the resource metadata at the RFC 9728 location, and from the 401's challenge", async () => {
  const found = await discoverOAuthProtectedResourceMetadata(`${publicUrl}/mcp`);
  expect(found.resource).toBe(`${publicUrl}/mcp`);
  expect(found.authorization_servers).toEqual([publicUrl]);
  // The RFC 9728 location itself (the SDK would also settle for the host root's document).
  const exact = await fetch(`http://127.0.0.1:${proxy.port}/.well-known/oauth-protected-resource${PREFIX}/mcp`);
  expect(exact.status).toBe(200);
  expect(((await exact.json()) as { resource: string }).resource).toBe(`${publicUrl}/mcp`);
  const challenge = await fetch(`${publicUrl}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: "{}",
  });
  expect(challenge.status).toBe(401);
  const metadataUrl = extractResourceMetadataUrl(challenge)!;
  expect(metadataUrl.href).toBe(`${publicUrl}/.well-known/oauth-protected-resource`);
  expect((await discoverOAuthProtectedResourceMetadata(`${publicUrl}/mcp`, { resourceMetadataUrl: metadataUrl })).resource).toBe(`${publicUrl}/mcp`);
});

test("the SDK finds the authorization server metadata of an issuer with a path", async () => {
  const found = await discoverAuthorizationServerMetadata(publicUrl);
  expect(found?.issuer).toBe(publicUrl);
  expect(found?.token_endpoint).toBe(`${publicUrl}/oauth/token`);
  expect(found?.authorization_endpoint).toBe(`${publicUrl}/oauth/authorize`);
  expect((await discoverOAuthMetadata(publicUrl))?.issuer).toBe(publicUrl);
  const direct = await fetch(`http://127.0.0.1:${proxy.port}/.well-known/oauth-authorization-server${PREFIX}`);
  expect(direct.status).toBe(200);
});

test("oauth4webapi discovers the issuer and completes an authorization; the SDK's MCP client then works with the token", async () => {
  const issuer = new URL(publicUrl);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: "oauth2", [oauth.allowInsecureRequests]: true }));
  const registered = await registerClient(publicUrl, {
    metadata: await discoverAuthorizationServerMetadata(publicUrl),
    clientMetadata: { client_name: "Behind a path", redirect_uris: [REDIRECT] },
  });
  const client: oauth.Client = { client_id: registered.client_id, token_endpoint_auth_method: "none" };
  const { verifier, challenge } = pkce();
  const resource = `${publicUrl}/mcp`;
  const callback = await consent(await t.browser(), authorizeFields(client.client_id, challenge, { resource }));
  const params = oauth.validateAuthResponse(as, client, callback, "st-1");
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, verifier, {
    additionalParameters: { resource },
    [oauth.allowInsecureRequests]: true,
  });
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
  expect(tokens.access_token).toStartWith("agnes_oat_");
  const mcp = new Client({ name: "behind-a-path", version: "1.0.0" });
  await mcp.connect(new StreamableHTTPClientTransport(new URL(resource), { requestInit: { headers: { authorization: `Bearer ${tokens.access_token}` } } }));
  const whoami = (await mcp.callTool({ name: "whoami", arguments: {} })) as { content: { text: string }[] };
  expect(whoami.content[0]!.text).toContain("admin@example.com");
  await mcp.close();
});
