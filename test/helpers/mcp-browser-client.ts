// What a browser-based MCP client (the MCP Inspector's shape) does from its own origin, bundled
// for Chromium by test/browser/mcp-cors.test.ts: the official SDK's discovery, registration and
// Streamable HTTP transport, plus the raw fetches whose answers a page must (or must not) read.
import { discoverAuthorizationServerMetadata, discoverOAuthProtectedResourceMetadata, registerClient } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

/** A fetch the page may not read comes back as a TypeError: reported as "blocked". */
async function attempt<T>(work: () => Promise<T>): Promise<T | "blocked"> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TypeError) return "blocked";
    throw error;
  }
}

export async function probe(base: string, pat: string, redirect: string) {
  const challenge = await fetch(`${base}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: "{}",
  });
  const resource = await discoverOAuthProtectedResourceMetadata(`${base}/mcp`);
  const metadata = await discoverAuthorizationServerMetadata(base);
  const registered = await registerClient(base, { metadata, clientMetadata: { client_name: "Inspector in a page", redirect_uris: [redirect] } });
  const token = await fetch(`${base}/oauth/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: "nope",
      client_id: registered.client_id,
      redirect_uri: redirect,
      code_verifier: "v".repeat(43),
    }),
  });
  const client = new Client({ name: "browser-inspector", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${pat}` } } }));
  const tools = (await client.listTools()).tools.map((tool) => tool.name).sort();
  const whoami = (await client.callTool({ name: "whoami", arguments: {} })) as { content: { text: string }[] };
  await client.close();
  const json = { "content-type": "application/json" };
  return {
    challenge: { status: challenge.status, wwwAuthenticate: challenge.headers.get("www-authenticate") },
    resource: resource.resource,
    issuer: metadata?.issuer ?? null,
    clientId: registered.client_id,
    tokenError: ((await token.json()) as { error: string }).error,
    tools,
    whoami: whoami.content[0]!.text,
    withCookie: await attempt(async () => (await fetch(`${base}/mcp`, { method: "POST", credentials: "include", headers: json, body: "{}" })).status),
    apiQuery: await attempt(
      async () =>
        (await fetch(`${base}/api/query`, { method: "POST", headers: { ...json, authorization: `Bearer ${pat}` }, body: '{"sql":"SELECT 1"}' })).status,
    ),
    authMe: await attempt(async () => (await fetch(`${base}/auth/me`, { headers: { authorization: `Bearer ${pat}` } })).status),
  };
}

(globalThis as { probe?: typeof probe }).probe = probe;
