// The second-factor steps of the auth-state model test (test/helpers/auth-model.ts): MFA_REQUIRED
// switched between its values, sign-ins through the form (which hold a covered person without a
// factor to enrolment), an authenticator app set up from a session, and an admin's reset. Together
// they move `mustEnrolSecondFactor` in the auth state, which the test compares with a fresh load.
import fc from "fast-check";
import type { TestApp } from "./app";
import { cookieFrom, sessionIdOf } from "./app";
import { secretOf, totpCode } from "./totp";

export type MfaStep =
  | { op: "mfaPolicy"; policy: "off" | "admins" | "all" }
  | { op: "formSignIn"; u: number }
  | { op: "enrolApp"; s: number }
  | { op: "resetFactor"; u: number };

type Session = { jwt: string; id: string; userId: string };
type Model = { user: (k: number) => { id: string; email: string } | undefined; session: (k: number) => Session | undefined; sessions: Session[] };
const MFA_OPS = new Set(["mfaPolicy", "formSignIn", "enrolApp", "resetFactor"]);

export function isMfaStep(step: { op: string }): step is MfaStep {
  return MFA_OPS.has(step.op);
}

/** The steps with their weights, for the model's `fc.oneof`. */
export function mfaSteps(n: fc.Arbitrary<number>) {
  return [
    { weight: 3, arbitrary: fc.record({ op: fc.constant("mfaPolicy" as const), policy: fc.constantFrom("off" as const, "admins" as const, "all" as const) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("formSignIn" as const), u: n }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("enrolApp" as const), s: n }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("resetFactor" as const), u: n }) },
  ];
}

export class MfaDriver {
  constructor(
    private readonly t: TestApp,
    private readonly root: string,
    private readonly send: (res: Promise<Response>) => Promise<Response>,
    private readonly model: Model,
    private readonly password: string,
  ) {}

  async run(step: MfaStep): Promise<void> {
    if (step.op === "mfaPolicy") return void ((this.t.ctx.config as { mfaRequired: string }).mfaRequired = step.policy);
    if (step.op === "formSignIn") return this.formSignIn(step.u);
    if (step.op === "enrolApp") return this.enrol(this.model.session(step.s));
    const user = this.model.user(step.u);
    return void (await this.send(this.t.api("POST", `/api/users/${user?.id ?? "none"}/second-factor/reset`, { token: this.root })));
  }

  private async formSignIn(k: number): Promise<void> {
    const user = this.model.user(k);
    if (!user) return;
    const body = new URLSearchParams({ email: user.email, password: this.password });
    const res = await this.send(this.t.handle("/login", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body }));
    const jwt = cookieFrom(res, "access_token");
    if (jwt) this.model.sessions.push({ jwt, id: sessionIdOf(jwt), userId: user.id });
  }

  /** With the session as a bearer (no cookie, so no CSRF field needed). */
  private async enrol(session: Session | undefined): Promise<void> {
    if (!session) return;
    const call = (path: string, fields?: Record<string, string>) =>
      this.send(
        this.t.handle(path, {
          method: fields ? "POST" : "GET",
          headers: { authorization: `Bearer ${session.jwt}`, accept: "text/html", "content-type": "application/x-www-form-urlencoded" },
          body: fields ? new URLSearchParams(fields) : undefined,
        }),
      );
    if ((await call("/profile/two-factor/totp", { _csrf: "" })).status !== 303) return;
    const page = await call("/profile/two-factor/totp");
    if (page.status !== 200) return;
    await call("/profile/two-factor/totp/confirm", { code: totpCode(secretOf(await page.text()), this.t.clock.now()) });
  }
}
