// Second-factor helpers for tests: codes computed from the secret the enrolment page shows, and the
// enrolment itself through the pages, as a person would do it.
import { expect } from "bun:test";
import { Secret, TOTP } from "otpauth";
import { cookieFrom, type TestApp } from "./app";

export function totpCode(secret: string, at: Date): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({ timestamp: at.getTime() });
}

export function secretOf(html: string): string {
  const match = /<code id="totp-secret">([A-Z2-7]+)<\/code>/.exec(html);
  if (!match) throw new Error("no TOTP secret on the page");
  return match[1]!;
}

export function recoveryCodesOf(html: string): string[] {
  const match = /<pre class="recovery-codes">([\s\S]*?)<\/pre>/.exec(html);
  return match ? match[1]!.trim().split(/\s+/) : [];
}

type Browser = Awaited<ReturnType<TestApp["browser"]>>;

/** Enrols an authenticator app for the browser's person; returns the secret and the recovery codes shown. */
export async function enrolTotp(t: TestApp, b: Browser): Promise<{ secret: string; codes: string[] }> {
  const page = await b.submit("/profile/two-factor/totp", {});
  const secret = secretOf(page);
  const done = await b.submit("/profile/two-factor/totp/confirm", { code: totpCode(secret, t.clock.now()) });
  const codes = recoveryCodesOf(done);
  expect(codes).toHaveLength(10);
  return { secret, codes };
}

/** The password step of the sign-in form: the pending cookie (the account has a second factor). */
export async function passwordStep(t: TestApp, email: string, password: string): Promise<string> {
  const res = await t.handle("/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password, next: "/profile" }),
  });
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/login/second-step");
  expect(cookieFrom(res, "access_token")).toBeFalsy();
  return cookieFrom(res, "agnes_second_step")!;
}

export function secondStep(t: TestApp, pending: string, code: string): Promise<Response> {
  return t.handle("/login/second-step", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: `agnes_second_step=${pending}`, accept: "text/html" },
    body: new URLSearchParams({ code }),
  });
}
