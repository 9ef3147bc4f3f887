// MFA_REQUIRED and what an admin (or the break-glass command) can do about a lost second factor.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ADMIN_EMAIL, cookieFrom, createTestApp, type TestApp } from "../helpers/app";
import { enrolTotp, passwordStep, totpCode } from "../helpers/totp";
import { recoverAdmin } from "../../src/modules/users/recovery";
import { readAuthRecords } from "../../src/modules/accounts/auth-records";

let t: TestApp;
let adminB: Awaited<ReturnType<TestApp["browser"]>>;
const ids: Record<string, string> = {};
const BOSS = "boss@example.com";
const BOSS_PASSWORD = "boss-password-1";
beforeAll(async () => {
  t = await createTestApp({ env: { MFA_REQUIRED: "admins" } });
  // The accounts and the acting admin's session are made before the policy applies (the test
  // helpers sign in through the API), then it is switched on as the server started with it.
  const config = t.ctx.config as { mfaRequired: string };
  config.mfaRequired = "off";
  adminB = await t.browser();
  ids.boss = await t.createUser(BOSS, BOSS_PASSWORD, "admin");
  ids.analyst = await t.createUser("analyst@example.com", "analyst-password-1");
  ids.lost = await t.createUser("lost@example.com", "lost-password-1");
  ids.lost2 = await t.createUser("lost2@example.com", "lost-password-1");
  ids.glass = await t.createUser("glass@example.com", "glass-password-1", "admin");
  config.mfaRequired = "admins";
});
afterAll(() => t.close());

const formLogin = (email: string, password: string) =>
  t.handle("/login", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ email, password }) });

describe("MFA_REQUIRED=admins", () => {
  test("an admin without a factor: API sign-in refused with a clear message; the browser session can only enrol", async () => {
    const refused = await t.api("POST", "/auth/token", { body: { email: BOSS, password: BOSS_PASSWORD } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toContain("requires a second factor");
    const b = await t.browser(BOSS, BOSS_PASSWORD);
    const page = await b.get("/dashboard");
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/profile/two-factor");
    const api = await t.api("GET", "/api/users", { token: b.token });
    expect(api.status).toBe(403);
    expect(((await api.json()) as { detail: string }).detail).toContain("/profile/two-factor");
    expect((await t.api("GET", "/auth/me", { token: b.token })).status).toBe(200);
    expect(await (await b.get("/profile/two-factor")).text()).toContain("requires a second factor for your account");
    // The held state is in the auth state exactly as a fresh load has it.
    expect(t.ctx.authState.snapshot(t.clock.now()).mustEnrolSecondFactor).toEqual((await readAuthRecords(t.ctx.db, t.clock.now())).mustEnrolSecondFactor!);
    const { secret } = await enrolTotp(t, b);
    expect((await b.get("/dashboard")).status).toBe(200);
    expect((await t.api("GET", "/api/users", { token: b.token })).status).toBe(200);
    t.clock.advance(30_000);
    const otp = totpCode(secret, t.clock.now());
    expect((await t.api("POST", "/auth/token", { body: { email: BOSS, password: BOSS_PASSWORD, otp } })).status).toBe(200);
    // The last factor of a covered person cannot be removed.
    t.clock.advance(30_000);
    const kept = await b.submit("/profile/two-factor/totp/remove", { code: totpCode(secret, t.clock.now()) });
    expect(kept).toContain("requires a second factor for your account");
    expect(await t.ctx.db.query("SELECT user_id FROM totp_factors WHERE confirmed_at IS NOT NULL")).toHaveLength(1);
  });

  test("an analyst is not covered: the password alone signs in, nothing is held", async () => {
    expect((await t.api("POST", "/auth/token", { body: { email: "analyst@example.com", password: "analyst-password-1" } })).status).toBe(200);
    const res = await formLogin("analyst@example.com", "analyst-password-1");
    expect(res.headers.get("location")).toBe("/dashboard");
  });
});

describe("losing the factor", () => {
  test("an admin resets a person's factor: their sessions end, the password alone signs in again, it is audited", async () => {
    const email = "lost@example.com";
    const id = ids.lost!;
    const b = await t.browser(email, "lost-password-1");
    await enrolTotp(t, b);
    await passwordStep(t, email, "lost-password-1");
    const reset = await t.api("POST", `/api/users/${id}/second-factor/reset`, { token: adminB.token });
    expect(reset.status).toBe(204);
    expect((await t.api("GET", "/auth/me", { token: b.token })).status).toBe(401);
    const again = await formLogin(email, "lost-password-1");
    expect(cookieFrom(again, "access_token")).toBeTruthy();
    const rows = await t.ctx.db.query<{ actor_email: string }>("SELECT actor_email FROM audit_log WHERE action = 'mfa.reset' AND target = $1", [id]);
    expect(rows).toEqual([{ actor_email: ADMIN_EMAIL }]);
    // Not for anyone else: an analyst's token cannot.
    const analyst = await t.login("analyst@example.com", "analyst-password-1");
    expect((await t.api("POST", `/api/users/${id}/second-factor/reset`, { token: analyst })).status).toBe(403);
  });

  test("the person's page has the reset, behind a confirmation, and it works", async () => {
    const email = "lost2@example.com";
    const id = ids.lost2!;
    await enrolTotp(t, await t.browser(email, "lost-password-1"));
    const admin = adminB;
    const page = await (await admin.get(`/admin/users/${id}`)).text();
    expect(page).toContain(`/admin/users/${id}/second-factor/reset/confirm`);
    // Unconfirmed, nothing happens: the confirmation page answers instead.
    expect(await admin.submit(`/admin/users/${id}/second-factor/reset`, {})).toContain("Reset the second factor of");
    expect(await t.ctx.db.query("SELECT user_id FROM totp_factors WHERE user_id = $1", [id])).not.toEqual([]);
    expect(await admin.submit(`/admin/users/${id}/second-factor/reset`, { confirm: "yes" })).toContain("Second factor of lost2@example.com reset");
    expect(await t.ctx.db.query("SELECT user_id FROM totp_factors WHERE user_id = $1", [id])).toEqual([]);
  });

  test("break-glass recovery clears the factor of the admin it recovers", async () => {
    const email = "glass@example.com";
    const id = ids.glass!;
    // Covered: the browser session is held to enrolment, and enrolment is what it may do.
    await enrolTotp(t, await t.browser(email, "glass-password-1"));
    await recoverAdmin({ db: t.ctx.db, clock: t.clock, audit: t.ctx.audit }, email);
    expect(await t.ctx.db.query("SELECT user_id FROM totp_factors WHERE user_id = $1", [id])).toEqual([]);
    const rows = await t.ctx.db.query<{ params: string }>(
      "SELECT CAST(params AS VARCHAR) AS params FROM audit_log WHERE action = 'mfa.reset' AND target = $1",
      [id],
    );
    expect(JSON.parse(rows[0]!.params)).toMatchObject({ via: "recovery" });
  });
});
