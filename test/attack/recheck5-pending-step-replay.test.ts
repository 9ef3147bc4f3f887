// The pending second step (mfa/pending-login.ts) is cleared in the browser once it has opened a
// session, but nothing on the server spent it: the same cookie value, replayed within its five
// minutes with the next code, opened a second session (a copied cookie, or two tabs racing).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cookieFrom, createTestApp, type TestApp } from "../helpers/app";
import { enrolTotp, passwordStep, secondStep, totpCode } from "../helpers/totp";

const EMAIL = "replay@example.com";
const PASSWORD = "replay-password-1";
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.createUser(EMAIL, PASSWORD);
});
afterAll(() => t.close());

test("a pending second step opens one session, once", async () => {
  const { secret } = await enrolTotp(t, await t.browser(EMAIL, PASSWORD));
  const pending = await passwordStep(t, EMAIL, PASSWORD);
  t.clock.advance(30_000);
  expect(cookieFrom(await secondStep(t, pending, totpCode(secret, t.clock.now())), "access_token")).toBeTruthy();
  t.clock.advance(30_000);
  const replayed = await secondStep(t, pending, totpCode(secret, t.clock.now()));
  expect(cookieFrom(replayed, "access_token")).toBeFalsy();
  expect(replayed.headers.get("location")).toBe("/login");
});
