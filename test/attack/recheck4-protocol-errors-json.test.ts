// The OAuth protocol endpoints and /mcp are called by programs, not browsers, but they fell under the
// browser rule: a client that sends no Accept header or `*/*` (the MCP SDK registers a client with
// only a Content-Type; fetch then sends `*/*`) got an HTML error page for a refused registration or
// a malformed token request, and /mcp without a credential answered `302 /login` instead of the
// 401 whose WWW-Authenticate header is how an MCP client discovers the authorization server.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const post = (path: string, accept: string | null, contentType: string, body: string) =>
  t.handle(path, { method: "POST", headers: { "content-type": contentType, ...(accept === null ? {} : { accept }) }, body });

for (const accept of [null, "*/*"]) {
  test(`protocol errors are JSON with Accept ${accept ?? "(none)"}`, async () => {
    const answers = [
      await post("/oauth/register", accept, "application/json", JSON.stringify({ redirect_uris: ["http://evil.example/cb"] })),
      await post("/oauth/token", accept, "application/json", "{"),
      await post("/oauth/token", accept, "application/x-www-form-urlencoded", `grant_type=refresh_token&refresh_token=${"a".repeat(300)}`),
      await post("/oauth/revoke", accept, "application/x-www-form-urlencoded", ""),
    ];
    for (const res of answers) {
      expect([res.status, res.headers.get("content-type")]).toEqual([res.status, expect.stringContaining("application/json")]);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(typeof ((await res.json()) as { detail?: unknown }).detail).toBe("string");
    }
    const mcp = await post("/mcp", accept, "application/json", JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }));
    expect([mcp.status, mcp.headers.get("location")]).toEqual([401, null]);
    expect(mcp.headers.get("www-authenticate")).toContain("resource_metadata=");
  });
}
