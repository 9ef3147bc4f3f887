// Scopes on personal access tokens: what a token may do is what its owner may do ∩ its scopes.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { TOKEN_SCOPE_NAMES } from "../../src/shared/contract";

let t: TestApp;
let session: string;
beforeEach(async () => {
  t = await createTestApp();
  session = await t.login();
});
afterEach(() => t.close());

async function create(body: Record<string, unknown>) {
  const res = await t.api("POST", "/auth/tokens", { token: session, body: { name: "ci", ...body } });
  return { status: res.status, body: (await res.json()) as { id: string; token: string; scopes: string[]; detail?: string } };
}

describe("creating a token with scopes", () => {
  test('omitted → ["all"], the original client\'s behaviour: the token may do what its owner may', async () => {
    const { status, body } = await create({});
    expect(status).toBe(201);
    expect(body.scopes).toEqual(["all"]);
    expect((await t.api("GET", "/api/users", { token: body.token })).status).toBe(200);
    const listed = (await (await t.api("GET", `/auth/tokens/${body.id}`, { token: session })).json()) as { scopes: string[] };
    expect(listed.scopes).toEqual(["all"]);
  });

  test("the scopes given are kept (duplicates dropped, in the table's order) and listed", async () => {
    const { status, body } = await create({ scopes: ["sync", "query", "sync", "profile:read"] });
    expect(status).toBe(201);
    expect(body.scopes).toEqual(["profile:read", "query", "sync"]);
    const list = (await (await t.api("GET", "/auth/tokens", { token: session })).json()) as { scopes: string[] }[];
    expect(list[0]!.scopes).toEqual(["profile:read", "query", "sync"]);
  });

  test.each([{ scopes: ["users:delete"] }, { scopes: ["query", "ALL"] }, { scopes: ["__proto__"] }, { scopes: ["constructor"] }])(
    "an unknown scope in $scopes → 400 naming it; nothing is created",
    async ({ scopes }) => {
      const unknown = scopes.find((s) => !(TOKEN_SCOPE_NAMES as string[]).includes(s))!;
      const { status, body } = await create({ scopes });
      expect(status).toBe(400);
      expect(body.detail).toContain(`"${unknown}"`);
      expect(await t.ctx.db.query("SELECT id FROM personal_access_tokens")).toEqual([]);
    },
  );

  test("an empty list → 400; not a list → 422", async () => {
    expect((await create({ scopes: [] })).status).toBe(400);
    expect((await create({ scopes: "query" })).status).toBe(422);
    expect((await create({ scopes: [1] })).status).toBe(422);
  });
});

describe("using a scoped token", () => {
  test("a call outside the scopes → 403 naming the missing scope; inside → it works", async () => {
    const { body } = await create({ scopes: ["profile:read"] });
    const me = await t.api("GET", "/auth/me", { token: body.token });
    expect(me.status).toBe(200);
    const users = await t.api("GET", "/api/users", { token: body.token });
    expect(users.status).toBe(403);
    expect(await users.json()).toEqual({ detail: "this token lacks the users:read scope" });
    const del = await t.api("DELETE", "/api/users/whoever", { token: body.token });
    expect(await del.json()).toEqual({ detail: "this token lacks the users:write scope" });
  });

  test("scopes never add to the role: an analyst's users:read token is still refused the admin routes", async () => {
    await t.createUser("ann@example.com", "ann-password-1", "analyst");
    const ann = await t.login("ann@example.com", "ann-password-1");
    const res = await t.api("POST", "/auth/tokens", { token: ann, body: { name: "x", scopes: ["users:read"] } });
    const { token } = (await res.json()) as { token: string };
    const users = await t.api("GET", "/api/users", { token });
    expect(users.status).toBe(403);
    expect(((await users.json()) as { detail: string }).detail).toBe("This needs the admin role");
  });

  test("an admin's metrics:read token reads /metrics; a query token does not", async () => {
    const reader = (await create({ scopes: ["metrics:read"] })).body.token;
    const other = (await create({ scopes: ["query"] })).body.token;
    expect((await t.api("GET", "/metrics", { token: reader })).status).toBe(200);
    const refused = await t.api("GET", "/metrics", { token: other });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ detail: "this token lacks the metrics:read scope" });
  });

  test("an audit entry made with a token records the token's id; one made with a session records none", async () => {
    const { body } = await create({ scopes: ["users:write"] });
    const made = await t.api("POST", "/api/users", { token: body.token, body: { email: "bob@example.com", role: "viewer" } });
    expect(made.status).toBe(201);
    await t.api("POST", "/api/users", { token: session, body: { email: "cy@example.com", role: "viewer" } });
    const entries = (await (await t.api("GET", "/api/audit?action=user.create", { token: session })).json()) as {
      target: string;
      token_id: string | null;
      params: { email: string };
    }[];
    expect(entries.find((e) => e.params.email === "bob@example.com")!.token_id).toBe(body.id);
    expect(entries.find((e) => e.params.email === "cy@example.com")!.token_id).toBeNull();
  });
});

test("GET /auth/scopes lists every scope with a one-line description, to anyone", async () => {
  const res = await t.api("GET", "/auth/scopes");
  expect(res.status).toBe(200);
  const scopes = (await res.json()) as { name: string; description: string }[];
  expect(scopes.map((s) => s.name)).toEqual([...TOKEN_SCOPE_NAMES]);
  expect(scopes.map((s) => s.name)).toEqual(
    expect.arrayContaining([
      "profile:read",
      "query",
      "sync",
      "datasets:write",
      "users:read",
      "users:write",
      "groups:write",
      "audit:read",
      "backups",
      "metrics:read",
      "all",
    ]),
  );
  for (const s of scopes) expect(s.description).toMatch(/^[^\n]{10,120}$/);
});
