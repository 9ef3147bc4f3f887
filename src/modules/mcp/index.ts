// /mcp: the Model Context Protocol endpoint (Streamable HTTP, the official SDK's web-standard
// transport, stateless, JSON answers). It takes a bearer: a personal access token or an OAuth
// access token (src/modules/oauth), never a cookie (a page of another site must not drive it).
// Without one it answers 401 with the RFC 9728 `resource_metadata` challenge, which is how an MCP
// client discovers where to get a token.
import { Elysia } from "elysia";
import { LRUCache } from "lru-cache";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { authGuard } from "../../http/auth-guard";
import { Unauthenticated } from "../../shared/errors";
import { assertNotHeld } from "../../auth/session-restriction";
import { baseUrl, resourceMetadataUrl, resourceOf } from "../oauth/metadata";
import { noteGrantAddress } from "../oauth/grants";
import { authInfoOf, mcpServer } from "./tools";

/** Idle servers kept for reuse: building one (its tools and their schemas) per request cost more than the call. */
const IDLE_SERVERS = 16;

/**
 * Stateless Streamable HTTP: a transport per request (the SDK refuses to reuse a stateless one),
 * connected to a server taken from the idle ones (a server serves one transport at a time, so
 * concurrent requests each take their own). The caller travels as the transport's authInfo.
 * With JSON answers the Response is complete when handleRequest returns, so the server is
 * disconnected after it has gone out, not before (closing costs tens of µs: the SDK aborts and
 * rejects what the connection still tracks); a server whose close fails is not reused.
 */
function answerer(ctx: AppContext) {
  const idle: McpServer[] = [];
  const release = (server: McpServer) =>
    void server.close().then(
      () => idle.length < IDLE_SERVERS && idle.push(server),
      (error: unknown) => ctx.log.warn("mcp.close_failed", { error: String(error) }),
    );
  return async (me: Principal, request: Request, body: unknown, ip: string | null): Promise<Response> => {
    const server = idle.pop() ?? mcpServer(ctx);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(request, { parsedBody: body, authInfo: authInfoOf({ me, ip }) });
    } finally {
      release(server);
    }
  };
}

export function mcpModule(ctx: AppContext) {
  // Addresses each OAuth grant was used from (a new one is audited once); bounded, refilled from the grant row.
  const addresses = new LRUCache<string, Set<string>>({ max: 10_000 });
  const answer = answerer(ctx);
  const route = () => ({ principal: true, clientIp: true }) as const;
  const handle = async ({ principal, request, body, ip }: { principal: Principal | null; request: Request; body: unknown; ip: string | null }) => {
    const me = principal!;
    await noteGrantAddress(ctx, addresses, me, ip);
    return answer(me, request, body, ip);
  };
  return (
    new Elysia({ name: "mcp" })
      .use(authGuard(ctx))
      .onBeforeHandle({ as: "local" }, (c) => {
        const { principal, request } = c as unknown as { principal: Principal | null; request: Request };
        // The one check here rather than in the guard: its 401 must carry this challenge header.
        const base = baseUrl(ctx, request);
        const challenge = `Bearer resource_metadata="${resourceMetadataUrl(base)}"`;
        if (!principal || principal.fromCookie) {
          throw new Unauthenticated("Send a bearer token: a personal access token, or an OAuth access token from /oauth/token", {
            "www-authenticate": challenge,
          });
        }
        // The one guard's rule for a session held to a task (a password an admin set, a second factor
        // MFA_REQUIRED asks for; session-restriction.ts): /mcp is never the task, so it queries
        // nothing here either. Personal access tokens pass, as there.
        assertNotHeld(ctx.authState, ctx.config.mfaRequired, principal);
        // An access token works only at the resource it was issued for (RFC 8707): without PUBLIC_URL
        // the resource follows the Host, and a token got through one name must not work through another.
        if (principal.oauth && principal.oauth.resource !== resourceOf(base)) {
          throw new Unauthenticated("This access token was issued for another resource", { "www-authenticate": `${challenge}, error="invalid_token"` });
        }
      })
      // Streamable HTTP's three methods; the stateless transport answers GET (a server stream) and DELETE (a session end) with 405.
      .post("/mcp", handle, route())
      .get("/mcp", handle, route())
      .delete("/mcp", handle, route())
  );
}
