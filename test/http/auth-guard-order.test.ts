// The auth guard's options work in any order. Elysia runs macro hooks in the order a route writes
// its options, and `sessionOnly` once relied on `auth` having resolved the principal before it:
// `{ sessionOnly: true, auth: "user" }` let a personal access token through.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { authGuard } from "../../src/http/auth-guard";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
let session: string;
let pat: string;
let probe: { handle: (request: Request) => Promise<Response> };

beforeAll(async () => {
  t = await createTestApp();
  session = await t.login();
  pat = ((await (await t.api("POST", "/auth/tokens", { token: session, body: { name: "probe" } })).json()) as { token: string }).token;
  probe = new Elysia()
    .use(authGuard(t.ctx))
    .get("/auth-first", ({ me }) => me.via, { auth: "user", sessionOnly: true })
    .get("/session-only-first", ({ me }) => me.via, { sessionOnly: true, auth: "user" });
});
afterAll(() => t.close());

const call = (path: string, bearer?: string) =>
  probe.handle(new Request(`http://localhost${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} }));

for (const path of ["/auth-first", "/session-only-first"]) {
  test(`${path}: a session passes, a PAT is refused, nobody is refused`, async () => {
    const bySession = await call(path, session);
    expect(bySession.status).toBe(200);
    expect(await bySession.text()).toBe("session");
    expect((await call(path, pat)).status).toBe(403);
    expect((await call(path)).status).toBe(401);
  });
}
