// Service accounts have no password, no SSO identity and their own API (/api/service-accounts, with
// its unique-name rule). The people's routes under /api/users/{id} did not check the kind: an admin
// (or an admin's token) could set a password on a service account, issue it a reset link, rename it
// to another service account's name, list its identities, and `recover-admin` with its address made
// it the "recovered" admin — whose reset link then signs nobody in. Only the session check stood
// between that password and a sign-in. Now a service account is "not found" to every people's route,
// the lifecycle refuses a password for one, and break-glass recovery refuses one.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { recoverAdmin } from "../../src/modules/users/recovery";

let t: TestApp;
let admin: string;
let svc: { id: string; email: string };
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login();
  const made = (await (await t.api("POST", "/api/service-accounts", { token: admin, body: { name: "nightly-etl", role: "admin" } })).json()) as { id: string };
  await t.api("POST", "/api/service-accounts", { token: admin, body: { name: "ci" } });
  const [row] = await t.ctx.db.query<{ email: string }>("SELECT email FROM users WHERE id = $1", [made.id]);
  svc = { id: made.id, email: row!.email };
});
afterAll(() => t.close());

const passwordHash = async () => (await t.ctx.db.query<{ h: string | null }>("SELECT password_hash AS h FROM users WHERE id = $1", [svc.id]))[0]!.h;

test("the people's routes do not reach a service account (404), and nothing about it changes", async () => {
  const calls: [string, string, unknown?][] = [
    ["GET", `/api/users/${svc.id}`],
    ["PATCH", `/api/users/${svc.id}`, { name: "ci" }],
    ["POST", `/api/users/${svc.id}/set-password`, { password: "a-service-password-1", must_change_password: false }],
    ["POST", `/api/users/${svc.id}/reset-password`],
    ["POST", `/api/users/${svc.id}/deactivate`],
    ["DELETE", `/api/users/${svc.id}`],
    ["GET", `/api/users/${svc.id}/identities`],
  ];
  for (const [method, path, body] of calls) {
    const res = await t.api(method, path, { token: admin, body });
    expect([method, path, res.status]).toEqual([method, path, 404]);
  }
  expect(await passwordHash()).toBeNull();
  const got = (await (await t.api("GET", `/api/service-accounts/${svc.id}`, { token: admin })).json()) as { name: string; active: boolean };
  expect(got).toMatchObject({ name: "nightly-etl", active: true });
  const resets = await t.ctx.db.query("SELECT id FROM password_resets WHERE user_id = $1", [svc.id]);
  expect(resets).toEqual([]);
});

test("break-glass recovery refuses a service account's address and changes nothing", async () => {
  await expect(recoverAdmin({ db: t.ctx.db, clock: t.clock, audit: t.ctx.audit }, svc.email)).rejects.toThrow(/service account/);
  expect(await passwordHash()).toBeNull();
  expect((await t.ctx.db.query("SELECT id FROM password_resets WHERE user_id = $1", [svc.id])).length).toBe(0);
});
