// The second step's pending cookie (mfa/pending-login.ts) stands for "this password was right". It
// outlived the password: after the person changed it (the usual answer to a sign-in they did not
// start), the cookie got with the old password still opened a session for five minutes with the
// next code, the password change ending every session but not this half-finished one.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cookieFrom, createTestApp, type TestApp } from "../helpers/app";
import { enrolTotp, passwordStep, secondStep, totpCode } from "../helpers/totp";

const EMAIL = "pending@example.com";
const OLD = "old-password-111";
let t: TestApp;
let id: string;
beforeAll(async () => {
  t = await createTestApp();
  id = await t.createUser(EMAIL, OLD);
});
afterAll(() => t.close());

test("a pending second step started with a password that has since changed opens no session", async () => {
  const owner = await t.browser(EMAIL, OLD);
  const { secret } = await enrolTotp(t, owner);
  const stale = await passwordStep(t, EMAIL, OLD);
  const admin = await t.login();
  const changed = await t.api("POST", `/api/users/${id}/set-password`, { token: admin, body: { password: "new-password-222", must_change_password: false } });
  expect(changed.status).toBeLessThan(300);
  t.clock.advance(30_000);
  const res = await secondStep(t, stale, totpCode(secret, t.clock.now()));
  expect(cookieFrom(res, "access_token")).toBeFalsy();
  expect(res.headers.get("location")).toBe("/login");
  // The new password's own second step still works.
  const fresh = await passwordStep(t, EMAIL, "new-password-222");
  t.clock.advance(30_000);
  expect(cookieFrom(await secondStep(t, fresh, totpCode(secret, t.clock.now())), "access_token")).toBeTruthy();
});
