// Removing the authenticator app asks for one of its codes or a recovery code, so that a borrowed
// session alone cannot take the second factor off (mfa/service.ts). Making new recovery codes asked
// for nothing: the borrowed session made ten, was shown them, and spent one to remove the app, and
// kept nine codes that pass the second step at the next password sign-in.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { enrolTotp, recoveryCodesOf } from "../helpers/totp";

const EMAIL = "victim@example.com";
const PASSWORD = "victim-password-1";
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.createUser(EMAIL, PASSWORD);
});
afterAll(() => t.close());

test("a session alone can neither make new recovery codes nor, through them, remove the authenticator app", async () => {
  const owner = await t.browser(EMAIL, PASSWORD);
  const { secret } = await enrolTotp(t, owner);
  expect(secret).toBeTruthy();
  const regen = await owner.post("/profile/two-factor/recovery-codes", {});
  const shown = regen.status === 303 ? recoveryCodesOf(await owner.follow(regen)) : [];
  expect(shown).toEqual([]);
  if (shown[0]) await owner.post("/profile/two-factor/totp/remove", { code: shown[0] });
  expect(await t.ctx.db.query("SELECT user_id FROM totp_factors WHERE confirmed_at IS NOT NULL")).toHaveLength(1);
});
