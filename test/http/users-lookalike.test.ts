// The one email rule at POST /api/users and at sign-in: look-alikes of an address (the Kelvin sign,
// fullwidth letters, mixed scripts) are refused with a clear 400 and never reach the account they
// imitate; nothing is created.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp();
  token = await t.login();
  await t.createUser("kate@corp.example", "kate-password-1", "admin");
});
afterAll(() => t?.close());

const lookAlikes = [
  ["\u212Aate@corp.example", "(U+212A)"],
  ["\uFF4Bate@corp.example", "(U+FF4B)"],
  ["kate@\uFF43orp.example", "(U+FF43)"],
  ["k\u0430te@corp.example", "Latin and Cyrillic"],
] as const;

test.each(lookAlikes)("POST /api/users %p → 400 naming the characters; nothing is created", async (email, named) => {
  const res = await t.api("POST", "/api/users", { token, body: { email, password: "password-123" } });
  expect(res.status).toBe(400);
  const { detail } = (await res.json()) as { detail: string };
  expect(detail).toContain(named);
  expect(await t.ctx.db.query("SELECT email FROM users WHERE email LIKE '%ate@%'")).toEqual([{ email: "kate@corp.example" }]);
});

test.each(lookAlikes)("signing in as %p with kate's password does not reach kate's account", async (email) => {
  const res = await t.api("POST", "/auth/token", { body: { email, password: "kate-password-1" } });
  expect(res.status).toBe(401);
});
