// POST /auth/tokens/{id}/rotate: a new secret with the same name, scopes and lifetime length; the old
// secret works for PAT_ROTATE_GRACE_MINUTES on the clock, then stops.
import { afterEach, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
afterEach(() => t.close());

const MINUTE = 60_000;
type Created = { id: string; name: string; token: string; scopes: string[]; expires_at: string | null; created_at: string; detail?: string };

async function setUp(env: Record<string, string> = {}) {
  t = await createTestApp({ env });
  const session = await t.login();
  const res = await t.api("POST", "/auth/tokens", { token: session, body: { name: "ci", expires_in_days: 30, scopes: ["query", "sync"] } });
  return { session, old: (await res.json()) as Created };
}
const works = async (token: string) => (await t.api("GET", "/api/sync/manifest", { token })).status === 200;

test("201 with a new secret, the same name, scopes and lifetime length; the old one works for 60 minutes, then not", async () => {
  const { session, old } = await setUp();
  t.clock.advance(10 * 3_600_000);
  const res = await t.api("POST", `/auth/tokens/${old.id}/rotate`, { token: session });
  expect(res.status).toBe(201);
  const fresh = (await res.json()) as Created;
  expect(fresh.token).not.toBe(old.token);
  expect(fresh.id).not.toBe(old.id);
  expect([fresh.name, fresh.scopes]).toEqual(["ci", ["query", "sync"]]);
  expect(new Date(fresh.expires_at!).getTime() - new Date(fresh.created_at).getTime()).toBe(30 * 86_400_000);
  expect([await works(old.token), await works(fresh.token)]).toEqual([true, true]);
  t.clock.advance(59 * MINUTE);
  expect(await works(old.token)).toBe(true);
  t.clock.advance(2 * MINUTE);
  expect([await works(old.token), await works(fresh.token)]).toEqual([false, true]);
  const audit = (await (await t.api("GET", "/api/audit?action=token.rotate", { token: session })).json()) as { params: Record<string, string> }[];
  expect(audit[0]!.params).toMatchObject({ id: old.id, new_id: fresh.id, name: "ci" });
});

test("PAT_ROTATE_GRACE_MINUTES=0 stops the old secret at once; a grace never outlasts the old expiry", async () => {
  const { session, old } = await setUp({ PAT_ROTATE_GRACE_MINUTES: "0" });
  expect((await t.api("POST", `/auth/tokens/${old.id}/rotate`, { token: session })).status).toBe(201);
  expect(await works(old.token)).toBe(false);
});

test("rotating twice, a revoked token, someone else's, or with a PAT is refused and changes nothing", async () => {
  const { session, old } = await setUp();
  expect((await t.api("POST", `/auth/tokens/${old.id}/rotate`, { token: old.token })).status).toBe(403);
  await t.createUser("ann@example.com", "ann-password-1", "admin");
  const ann = await t.login("ann@example.com", "ann-password-1");
  expect((await t.api("POST", `/auth/tokens/${old.id}/rotate`, { token: ann })).status).toBe(404);
  expect((await t.api("POST", "/auth/tokens/nope/rotate", { token: session })).status).toBe(404);
  expect((await t.api("POST", `/auth/tokens/${old.id}/rotate`, { token: session })).status).toBe(201);
  const again = await t.api("POST", `/auth/tokens/${old.id}/rotate`, { token: session });
  expect(again.status).toBe(409);
  const other = (await (await t.api("POST", "/auth/tokens", { token: session, body: { name: "x" } })).json()) as Created;
  await t.api("DELETE", `/auth/tokens/${other.id}`, { token: session });
  expect((await t.api("POST", `/auth/tokens/${other.id}/rotate`, { token: session })).status).toBe(409);
  expect(((await (await t.api("GET", "/auth/tokens", { token: session })).json()) as unknown[]).length).toBe(3);
});
