// Two-factor sign-in with an authenticator app (issue 26): enrolment on /profile/two-factor, the
// second step of the sign-in form and of POST /auth/token, recovery codes, replay and removal.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cookieFrom, createTestApp, type TestApp } from "../helpers/app";
import { enrolTotp, passwordStep, recoveryCodesOf, secondStep, secretOf, totpCode } from "../helpers/totp";

const PASSWORD = "person-password-1";
let t: TestApp;
let n = 0;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function person(): Promise<{ email: string; id: string; b: Awaited<ReturnType<TestApp["browser"]>> }> {
  const email = `p${++n}@example.com`;
  const id = await t.createUser(email, PASSWORD, "analyst");
  return { email, id, b: await t.browser(email, PASSWORD) };
}

const audits = async (action: string, target: string) =>
  t.ctx.db.query<{ params: string }>("SELECT CAST(params AS VARCHAR) AS params FROM audit_log WHERE action = $1 AND target = $2", [action, target]);

const tokenLogin = (email: string, otp?: string) => t.api("POST", "/auth/token", { body: { email, password: PASSWORD, ...(otp ? { otp } : {}) } });

describe("enrolment", () => {
  test("the page shows an SVG QR code and the key; a wrong first code is refused; the right one shows 10 recovery codes once", async () => {
    const { b, id } = await person();
    const page = await b.submit("/profile/two-factor/totp", {});
    expect(page).toContain('src="data:image/svg+xml;base64,');
    const secret = secretOf(page);
    const svg = Buffer.from(/data:image\/svg\+xml;base64,([^"]+)/.exec(page)![1]!, "base64").toString();
    expect(svg).toStartWith("<svg");
    const wrong = await b.post("/profile/two-factor/totp/confirm", { code: "000000" === totpCode(secret, t.clock.now()) ? "111111" : "000000" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("Incorrect or already used code");
    const done = await b.submit("/profile/two-factor/totp/confirm", { code: totpCode(secret, t.clock.now()) });
    expect(recoveryCodesOf(done)).toHaveLength(10);
    const again = await (await b.get("/profile/two-factor")).text();
    expect(recoveryCodesOf(again)).toEqual([]);
    expect(again).toContain("10 of 10 unused");
    // Stored encrypted: the key is nowhere in the table, the audit trail or the log.
    const stored = await t.ctx.db.query<{ secret_enc: string }>("SELECT secret_enc FROM totp_factors WHERE user_id = $1", [id]);
    expect(stored[0]!.secret_enc).not.toContain(secret);
    expect(JSON.stringify(await t.ctx.db.query("SELECT CAST(params AS VARCHAR) AS p FROM audit_log"))).not.toContain(secret);
    expect(t.log.lines.join("\n")).not.toContain(secret);
    expect(await audits("mfa.totp_enrol", id)).toHaveLength(1);
    expect(await audits("mfa.code_failed", id)).toHaveLength(1);
  });
});

describe("signing in", () => {
  test("the form asks for the code after the password; the session comes only after it; a replayed code is refused", async () => {
    const { email, b, id } = await person();
    const { secret } = await enrolTotp(t, b);
    t.clock.advance(30_000);
    const pending = await passwordStep(t, email, PASSWORD);
    const stepPage = await t.handle("/login/second-step", { headers: { cookie: `agnes_second_step=${pending}`, accept: "text/html" } });
    expect(stepPage.status).toBe(200);
    expect(stepPage.headers.get("content-type")).toStartWith("text/html");
    const code = totpCode(secret, t.clock.now());
    const ok = await secondStep(t, pending, code);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/profile");
    const session = cookieFrom(ok, "access_token")!;
    expect((await t.api("GET", "/auth/me", { token: session })).status).toBe(200);
    // The same code within its window, on a fresh password step: refused, and audited.
    const replay = await secondStep(t, await passwordStep(t, email, PASSWORD), code);
    expect(replay.status).toBe(401);
    expect(cookieFrom(replay, "access_token")).toBeFalsy();
    expect((await audits("mfa.code_failed", id)).map((r) => r.params).join()).toContain("code already used");
    // No pending cookie, or a forged one: back to /login.
    expect((await secondStep(t, "forged.value", code)).headers.get("location")).toBe("/login");
  });

  test("POST /auth/token answers 401 mfa_required, then takes otp; a replay and a wrong code are refused", async () => {
    const { email, b } = await person();
    const { secret } = await enrolTotp(t, b);
    t.clock.advance(30_000);
    const asked = await tokenLogin(email);
    expect(asked.status).toBe(401);
    expect(await asked.json()).toMatchObject({ mfa_required: true });
    const code = totpCode(secret, t.clock.now());
    expect((await tokenLogin(email, code)).status).toBe(200);
    expect((await tokenLogin(email, code)).status).toBe(401);
    expect((await tokenLogin(email, "12345")).status).toBe(401);
  });

  test("a recovery code works once; a used one is refused; new codes replace the old", async () => {
    const { email, b, id } = await person();
    const { codes } = await enrolTotp(t, b);
    expect((await tokenLogin(email, codes[0]!.toUpperCase())).status).toBe(200);
    expect((await tokenLogin(email, codes[0]!)).status).toBe(401);
    expect(JSON.parse((await audits("mfa.recovery_code_used", id))[0]!.params)).toMatchObject({ remaining: 9 });
    const pending = await passwordStep(t, email, PASSWORD);
    expect((await secondStep(t, pending, codes[1]!)).status).toBe(303);
    // New codes need a code of the app or a recovery code (a borrowed session alone cannot make them).
    const fresh = recoveryCodesOf(await b.submit("/profile/two-factor/recovery-codes", { code: codes[3]! }));
    expect(fresh).toHaveLength(10);
    expect((await tokenLogin(email, codes[2]!)).status).toBe(401);
    expect((await tokenLogin(email, fresh[0]!)).status).toBe(200);
  });

  test("parallel guesses check at most the budget (10), the rest are 429", async () => {
    const { email, b, id } = await person();
    await enrolTotp(t, b);
    const pending = await passwordStep(t, email, PASSWORD);
    const guesses = Array.from({ length: 40 }, (_, i) => String(100000 + i * 7919).slice(0, 6));
    const answers = await Promise.all(guesses.map((g) => secondStep(t, pending, g)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(0);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(30);
    expect((await audits("mfa.code_failed", id)).length).toBeLessThanOrEqual(10);
  });

  test("removing the app needs a current code; afterwards the password alone signs in", async () => {
    const { email, b, id } = await person();
    const { secret } = await enrolTotp(t, b);
    t.clock.advance(30_000);
    expect(await b.submit("/profile/two-factor/totp/remove", { code: "999999" === totpCode(secret, t.clock.now()) ? "999998" : "999999" })).toContain(
      "Incorrect or already used code",
    );
    expect(await b.submit("/profile/two-factor/totp/remove", { code: totpCode(secret, t.clock.now()) })).toContain("Authenticator app removed");
    expect((await tokenLogin(email)).status).toBe(200);
    expect(await audits("mfa.totp_remove", id)).toHaveLength(1);
  });
});
