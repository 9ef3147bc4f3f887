// An MCP `tools/call query` of `SELECT 1` with an OAuth access token against the real server
// (loopback): p50 and p99 over 500 sequential calls, beside POST /api/query of the same SQL with a
// PAT in the same run. Goal: p99 < 20 ms. The token comes from the real flow: registration, the
// form sign-in, the consent form (its CSRF field read from the page) and the code exchange.
// Run: bun bench/mcp.ts
import { createHash, randomBytes } from "node:crypto";
import { startServer } from "../test/helpers/server";

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const REDIRECT = "http://127.0.0.1:45999/cb";
const N = 500;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const formBody = (fields: Record<string, string>) => ({ "content-type": "application/x-www-form-urlencoded", body: new URLSearchParams(fields) });

async function accessToken(base: string): Promise<string> {
  const reg = (await (
    await fetch(`${base}/oauth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_name: "bench", redirect_uris: [REDIRECT] }),
    })
  ).json()) as { client_id: string };
  const login = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(ADMIN),
  });
  const cookie = /access_token=[^;]+/.exec(login.headers.get("set-cookie") ?? "")![0];
  const verifier = randomBytes(32).toString("base64url");
  const fields = {
    response_type: "code",
    client_id: reg.client_id,
    redirect_uri: REDIRECT,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    state: "s",
    resource: `${base}/mcp`,
  };
  const page = await (await fetch(`${base}/oauth/authorize?${new URLSearchParams(fields)}`, { headers: { cookie, accept: "text/html" } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
  const { body } = formBody({ ...fields, _csrf: csrf, decision: "allow", granted_query: "on" });
  const consent = await fetch(`${base}/oauth/authorize`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded", origin: base },
    body,
  });
  const code = new URL(consent.headers.get("location")!).searchParams.get("code")!;
  const token = await fetch(`${base}/oauth/token`, {
    method: "POST",
    ...formBody({ grant_type: "authorization_code", code, client_id: reg.client_id, redirect_uri: REDIRECT, code_verifier: verifier }),
  });
  return ((await token.json()) as { access_token: string }).access_token;
}

async function timed(n: number, call: () => Promise<Response>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    const res = await call();
    if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
    times.push(performance.now() - start);
  }
  return times;
}

async function main() {
  const server = await startServer({ env: { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password } });
  try {
    const token = await accessToken(server.url);
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
          body: JSON.stringify({ name: "bench" }),
        })
      ).json()) as { token: string }
    ).token;
    const rpc = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "query", arguments: { sql: "SELECT 1" } } });
    const mcpCall = () =>
      fetch(`${server.url}/mcp`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: rpc,
      });
    const apiCall = () =>
      fetch(`${server.url}/api/query`, {
        method: "POST",
        headers: { authorization: `Bearer ${pat}`, "content-type": "application/json" },
        body: JSON.stringify({ sql: "SELECT 1" }),
      });
    await timed(50, mcpCall); // warm-up
    await timed(50, apiCall);
    const mcp = await timed(N, mcpCall);
    const api = await timed(N, apiCall);
    const ms = (x: number) => `${x.toFixed(2)} ms`;
    console.log(`MCP tools/call query SELECT 1 (OAuth access token): p50 ${ms(pct(mcp, 0.5))}, p99 ${ms(pct(mcp, 0.99))} (goal p99 < 20 ms)`);
    console.log(`POST /api/query SELECT 1 (PAT), same run:          p50 ${ms(pct(api, 0.5))}, p99 ${ms(pct(api, 0.99))}`);
  } finally {
    await server.stop();
  }
}

await main();
