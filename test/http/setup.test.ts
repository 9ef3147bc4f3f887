import { afterEach, beforeEach, expect, test } from "bun:test";
import { cookieFrom, createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ withAdmin: false });
});
afterEach(() => t.close());

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
  body: new URLSearchParams(fields),
});

function loggedCode(): string {
  const line = t.log.lines.map((l) => JSON.parse(l)).find((l) => l.event === "setup.code");
  return line.code as string;
}

const good = { email: "Owner@Example.com", name: "Owner", password: "owner-password", password_confirm: "owner-password" };

test("the server logs a one-time setup code while no user exists", async () => {
  expect(loggedCode()).toMatch(/^[A-Z0-9]{12}$/);
  const page = await t.handle("/setup");
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("setup code");
});

test("a wrong code is refused and creates nobody", async () => {
  const res = await t.handle("/setup", form({ ...good, setup_code: "WRONGWRONG12" }));
  expect(res.status).toBe(403);
  expect(await res.text()).toContain("setup code is not right");
  expect(await t.ctx.db.query("SELECT id FROM users")).toEqual([]);
});

test("mismatched or short passwords are refused", async () => {
  expect((await t.handle("/setup", form({ ...good, setup_code: loggedCode(), password_confirm: "different-password" }))).status).toBe(400);
  expect((await t.handle("/setup", form({ ...good, setup_code: loggedCode(), password: "short", password_confirm: "short" }))).status).toBe(400);
  expect(await t.ctx.db.query("SELECT id FROM users")).toEqual([]);
});

test("the right code creates the admin, signs them in, and /setup is 404 afterwards", async () => {
  const res = await t.handle("/setup", form({ ...good, setup_code: loggedCode().toLowerCase() }));
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/dashboard");
  const cookie = cookieFrom(res, "access_token")!;
  const me = await (await t.handle("/auth/me", { headers: { cookie: `access_token=${cookie}` } })).json();
  expect(me).toMatchObject({ email: "owner@example.com", name: "Owner", role: "admin" });
  expect((await t.handle("/setup")).status).toBe(404);
  expect((await t.handle("/setup", form({ ...good, setup_code: loggedCode() }))).status).toBe(404);
});

test("with AGNES_ADMIN_EMAIL/PASSWORD the admin is created at start, no code is logged, /setup is 404", async () => {
  const envApp = await createTestApp();
  try {
    expect(envApp.log.lines.some((l) => l.includes("setup.code"))).toBe(false);
    expect((await envApp.handle("/setup")).status).toBe(404);
    expect((await envApp.api("POST", "/auth/token", { body: { email: "admin@example.com", password: "admin-password-1" } })).status).toBe(200);
  } finally {
    await envApp.close();
  }
});

test("later starts ignore AGNES_ADMIN_* once a user exists", async () => {
  await t.handle("/setup", form({ ...good, setup_code: loggedCode() }));
  const again = await createTestApp({ dataDir: t.dataDir, env: { AGNES_ADMIN_EMAIL: "other@example.com", AGNES_ADMIN_PASSWORD: "other-password" } });
  try {
    const rows = await again.ctx.db.query<{ email: string }>("SELECT email FROM users");
    expect(rows.map((r) => r.email)).toEqual(["owner@example.com"]);
  } finally {
    await again.close();
  }
});
