// Attacker pass on issue 20 (class 1): the one email rule refuses look-alikes, but characters that
// are invisible yet neither \p{Cf} nor NFKC-unstable pass it: the combining grapheme joiner
// (U+034F), variation selectors (U+FE00–FE0F) and the Hangul fillers (U+115F, U+1160; Latin+Hangul
// is an allowed script mix). Each makes an address that renders exactly like an existing one, so
// an admin (or a provider trusted for the domain) can create a second "kate@corp.example".
import { afterAll, beforeAll, expect, test } from "bun:test";
import { checkEmail } from "../../src/auth/email";
import { createTestApp, type TestApp } from "../helpers/app";

const invisible = [
  ["combining grapheme joiner U+034F", "ka\u034Fte@corp.example"],
  ["variation selector-16 U+FE0F", "kate\uFE0F@corp.example"],
  ["variation selector-1 U+FE00", "ka\uFE00te@corp.example"],
  ["Hangul choseong filler U+115F", "ka\u115Fte@corp.example"],
  ["Hangul jungseong filler U+1160", "ka\u1160te@corp.example"],
] as const;

test.each(invisible)("the email rule refuses an invisible %s", (_name, email) => {
  expect(checkEmail(email).ok).toBe(false);
});

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp();
  token = await t.login();
  await t.createUser("kate@corp.example", "kate-password-1", "admin");
});
afterAll(() => t?.close());

test.each(invisible)("POST /api/users with an invisible %s → 400, no second kate", async (_name, email) => {
  const res = await t.api("POST", "/api/users", { token, body: { email, password: "password-123" } });
  expect(res.status).toBe(400);
  expect(await t.ctx.db.query("SELECT email FROM users WHERE email LIKE 'ka%'")).toEqual([{ email: "kate@corp.example" }]);
});
