// Every route × every token scope, generated from the app's own route table (app.routes): a route
// that needs a credential either refuses every personal access token (session only), or declares
// exactly one scope — a token with it gets past the guard, a token with any other single scope gets
// `403 this token lacks the <scope> scope`. A new route that declares no scope (the guard then asks
// for `all`) fails here.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { TOKEN_SCOPE_NAMES, type TokenScope } from "../../src/shared/contract";

let t: TestApp;
const tokens = new Map<TokenScope, string>();

beforeAll(async () => {
  t = await createTestApp();
  const session = await t.login();
  for (const scope of TOKEN_SCOPE_NAMES) {
    const res = await t.api("POST", "/auth/tokens", { token: session, body: { name: scope, scopes: [scope] } });
    expect(res.status).toBe(201);
    tokens.set(scope, ((await res.json()) as { token: string }).token);
  }
});
afterAll(() => t.close());

const SESSION_ONLY = /needs a signed-in session/;
// The MCP endpoint takes any token and checks a scope per tool (whoami, list_datasets, query…), as
// the MCP spec has it; test/http/oauth-flow.test.ts holds the tools to their scopes.
const PER_TOOL_SCOPES = new Set(["/mcp"]);
const LACKS = /^this token lacks the (.+) scope$/;

/** A concrete path for a template: parameters name nothing that exists, so nothing is changed. */
function concrete(path: string): string {
  return path.replace(/:[a-z]+/g, "no_such_thing").replace(/\*$/, "x");
}

async function call(method: string, path: string, token: string | null) {
  const headers: Record<string, string> = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const body = method === "GET" || method === "HEAD" ? undefined : "{}";
  if (body) headers["content-type"] = "application/json";
  const res = await t.handle(path, { method, headers, body });
  const text = await res.text();
  let detail = "";
  try {
    detail = (JSON.parse(text) as { detail?: string }).detail ?? "";
  } catch {}
  return { status: res.status, detail };
}

type Verdict = { route: string; kind: "public" | "session-only" | "scoped"; scope?: string; problem?: string };

async function judge(method: string, template: string): Promise<Verdict> {
  const route = `${method} ${template}`;
  const path = concrete(template);
  if ((await call(method, path, null)).status !== 401) return { route, kind: "public" };
  const all = await call(method, path, tokens.get("all")!);
  if (all.status === 403 && SESSION_ONLY.test(all.detail)) {
    for (const scope of TOKEN_SCOPE_NAMES) {
      const res = await call(method, path, tokens.get(scope)!);
      if (res.status !== 403) return { route, kind: "session-only", problem: `a ${scope} token got ${res.status}` };
    }
    return { route, kind: "session-only" };
  }
  const needed = new Set<string>();
  const passed: string[] = [];
  for (const scope of TOKEN_SCOPE_NAMES.filter((s) => s !== "all")) {
    const res = await call(method, path, tokens.get(scope)!);
    const lacks = res.status === 403 ? LACKS.exec(res.detail) : null;
    if (lacks) needed.add(lacks[1]!);
    else if (res.status === 401 || res.status >= 500) return { route, kind: "scoped", problem: `a ${scope} token got ${res.status} ${res.detail}` };
    else passed.push(scope);
  }
  const scope = passed[0];
  if (passed.length !== 1) return { route, kind: "scoped", problem: `declares no single scope: passed with [${passed}], refused naming [${[...needed]}]` };
  if (needed.size !== 1 || !needed.has(scope!)) return { route, kind: "scoped", problem: `passed with ${scope} but the refusals named [${[...needed]}]` };
  if (all.status === 401 || all.status >= 500 || LACKS.test(all.detail)) return { route, kind: "scoped", problem: `an all token got ${all.status}` };
  return { route, kind: "scoped", scope };
}

test("every route that needs a credential is session-only or declares exactly one scope, and the guard enforces it", async () => {
  const routes = t.app.routes.filter((r) => ["GET", "POST", "PUT", "PATCH", "DELETE"].includes(r.method) && !PER_TOOL_SCOPES.has(r.path));
  const verdicts: Verdict[] = [];
  for (const r of routes) verdicts.push(await judge(r.method, r.path));
  expect(verdicts.filter((v) => v.problem)).toEqual([]);
  const scoped = verdicts.filter((v) => v.kind === "scoped");
  // The table reached every kind of route, and the scopes the issue names for them.
  expect(scoped.length).toBeGreaterThan(40);
  expect(verdicts.some((v) => v.kind === "session-only")).toBe(true);
  const scopeOf = new Map(scoped.map((v) => [v.route, v.scope]));
  expect(scopeOf.get("GET /auth/me")).toBe("profile:read");
  expect(scopeOf.get("GET /auth/sessions")).toBe("profile:read");
  expect(scopeOf.get("POST /api/query")).toBe("query");
  expect(scopeOf.get("GET /api/sync/manifest")).toBe("sync");
  expect(scopeOf.get("GET /api/data/:name/download")).toBe("sync");
  expect(scopeOf.get("DELETE /api/users/:id")).toBe("users:write");
  expect(scopeOf.get("GET /api/users")).toBe("users:read");
  expect(scopeOf.get("GET /api/audit")).toBe("audit:read");
  expect(scopeOf.get("GET /metrics")).toBe("metrics:read");
  expect(scopeOf.get("DELETE /api/admin/backups/:name")).toBe("backups");
  expect(scopeOf.get("DELETE /api/datasets/:name")).toBe("datasets:write");
});
