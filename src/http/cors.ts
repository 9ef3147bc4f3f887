// CORS for the endpoints a browser-based MCP client (the MCP Inspector, a web IDE) calls from its own
// origin: /mcp, the OAuth discovery documents, registration, token and revocation. They take a
// bearer token or no credential at all, never the session cookie, so any origin may read their
// answers (`*`, without Access-Control-Allow-Credentials: a browser then sends no cookie). Every
// other route (pages, /oauth/authorize, /api/*) stays same-origin only: they send no CORS header,
// and the front door keeps refusing cross-site state changes there. A cross-site request to one of
// these endpoints that still carries a cookie is refused like before (csrf.ts): it would be the
// ambient credential this exemption must never let through.

const MCP_PATH = "/mcp";
const OAUTH_POSTS = new Set(["/oauth/register", "/oauth/token", "/oauth/revoke"]);
const DISCOVERY_PREFIX = "/.well-known/oauth-";

/** What a request may send: the SDK's browser transport sends the MCP headers; discovery sends MCP-Protocol-Version. */
const ALLOW_HEADERS = "Authorization, Content-Type, Accept, Mcp-Protocol-Version, Mcp-Session-Id, Last-Event-ID, Mcp-Method, Mcp-Name";
/** What the client's script must read: the 401's challenge (RFC 9728 discovery) and the transport's headers. */
const EXPOSE_HEADERS = "WWW-Authenticate, Mcp-Session-Id, Mcp-Protocol-Version";
/** Chromium caps a cached preflight at 2 hours; one preflight per client per two hours is enough. */
const MAX_AGE_S = "7200";

/** The methods a cross-origin page may use on `path`, or null when the path is not open to other origins. */
export function corsMethods(path: string): string | null {
  if (path === MCP_PATH) return "GET, POST, DELETE";
  if (OAUTH_POSTS.has(path)) return "POST";
  if (path.startsWith(DISCOVERY_PREFIX)) return "GET";
  return null;
}

/** The answer to a preflight (an OPTIONS with Access-Control-Request-Method) on an open path. */
export function preflightResponse(methods: string, fixed: Record<string, string>): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...fixed,
      "access-control-allow-origin": "*",
      "access-control-allow-methods": methods,
      "access-control-allow-headers": ALLOW_HEADERS,
      "access-control-max-age": MAX_AGE_S,
    },
  });
}

/** Opens an answer of an open path to every origin (its status, error or not, is what the client must read). */
export function withCors(response: Response): Response {
  response.headers.set("access-control-allow-origin", "*");
  response.headers.set("access-control-expose-headers", EXPOSE_HEADERS);
  return response;
}
