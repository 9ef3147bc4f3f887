// Random sequences of account, session and token operations, sent through app.handle, for the
// model-based test of the auth state (test/http/auth-state-model.test.ts). A step names its targets
// by number (taken modulo what exists when it runs), so fast-check can shrink a failing sequence.
import { isMfaStep, MfaDriver, mfaSteps, type MfaStep } from "./auth-model-mfa";
import fc from "fast-check";
import { ROLES, TOKEN_SCOPE_NAMES, type Role, type TokenScope } from "../../src/shared/contract";
import { insertUser as addUser } from "../../src/modules/users/repository";
import { createTestApp, sessionIdOf, type TestApp } from "./app";
import { storeCsv } from "../data/helpers";
import { ServiceAccountDriver } from "./auth-model-service";
import { GroupDriver, type GroupStep } from "./auth-model-groups";
import { OAuthAppDriver } from "./auth-model-oauth";

export const PASSWORD = "model-password-1";
// argon2id at its default cost takes ~80 ms a hash or verify: a few thousand steps would take
// minutes. A hash made once at a tiny cost verifies in well under a millisecond, and password_hash
// is not part of the auth state, so putting it back after a password change changes nothing we compare.
const cheapHash = Bun.password.hash(PASSWORD, { algorithm: "argon2id", memoryCost: 64, timeCost: 1 });

const n = fc.nat({ max: 999 });
const role = fc.constantFrom(...ROLES);
const op = <T extends object>(weight: number, fields: fc.Arbitrary<T>) => ({ weight, arbitrary: fields });

export type Step = { together: boolean } & (
  | { op: "createUser"; role: Role }
  | { op: "updateUser"; u: number; role: Role | null; name: string | null }
  | { op: "setActive"; u: number; active: boolean }
  | { op: "deleteUser"; u: number }
  | { op: "signIn"; u: number }
  | { op: "signOut" | "endOtherSessions" | "changePassword"; s: number }
  | { op: "endSession"; s: number; other: number }
  | { op: "createToken"; s: number; days: number | null; scopes: TokenScope[] | null }
  | { op: "revokeToken"; t: number; byAdmin: boolean }
  | { op: "rotateToken"; t: number }
  | { op: "createServiceAccount"; role: Role }
  | { op: "serviceToken"; a: number; scopes: TokenScope[] }
  | { op: "setServiceActive"; a: number; active: boolean }
  | { op: "issueReset" | "setPassword"; u: number }
  | { op: "redeemReset"; r: number }
  | { op: "advanceClock"; hours: number }
  | MfaStep
  | GroupStep
  | { op: "connectApp"; s: number }
  | { op: "refreshApp"; a: number; reuse: boolean }
  | { op: "revokeApp"; a: number }
);

const stepBody = fc.oneof(
  op(4, fc.record({ op: fc.constant("createUser" as const), role })),
  op(2, fc.record({ op: fc.constant("updateUser" as const), u: n, role: fc.option(role), name: fc.option(fc.string({ maxLength: 4 })) })),
  op(4, fc.record({ op: fc.constant("setActive" as const), u: n, active: fc.boolean() })),
  op(3, fc.record({ op: fc.constant("deleteUser" as const), u: n })),
  op(6, fc.record({ op: fc.constant("signIn" as const), u: n })),
  op(2, fc.record({ op: fc.constant("signOut" as const), s: n })),
  op(1, fc.record({ op: fc.constant("endOtherSessions" as const), s: n })),
  op(2, fc.record({ op: fc.constant("endSession" as const), s: n, other: n })),
  op(1, fc.record({ op: fc.constant("changePassword" as const), s: n })),
  op(4, fc.record({ op: fc.constant("createToken" as const), s: n, days: fc.constantFrom(1, 30, null), scopes: fc.option(fc.subarray(TOKEN_SCOPE_NAMES)) })),
  op(3, fc.record({ op: fc.constant("revokeToken" as const), t: n, byAdmin: fc.boolean() })),
  op(2, fc.record({ op: fc.constant("rotateToken" as const), t: n })),
  op(1, fc.record({ op: fc.constant("createServiceAccount" as const), role })),
  op(2, fc.record({ op: fc.constant("serviceToken" as const), a: n, scopes: fc.subarray(TOKEN_SCOPE_NAMES, { minLength: 1 }) })),
  op(2, fc.record({ op: fc.constant("setServiceActive" as const), a: n, active: fc.boolean() })),
  op(1, fc.record({ op: fc.constant("issueReset" as const), u: n })),
  op(1, fc.record({ op: fc.constant("redeemReset" as const), r: n })),
  op(1, fc.record({ op: fc.constant("setPassword" as const), u: n })),
  op(1, fc.record({ op: fc.constant("advanceClock" as const), hours: fc.integer({ min: 1, max: 30 }) })),
  op(3, fc.record({ op: fc.constant("createGroup" as const) })),
  op(1, fc.record({ op: fc.constant("deleteGroup" as const), g: n })),
  op(6, fc.record({ op: fc.constantFrom("addMember" as const, "addMember" as const, "removeMember" as const), g: n, u: n })),
  op(2, fc.record({ op: fc.constant("grant" as const), gs: fc.array(n, { maxLength: 3 }) })),
  op(3, fc.record({ op: fc.constant("connectApp" as const), s: n })),
  op(2, fc.record({ op: fc.constant("refreshApp" as const), a: n, reuse: fc.boolean() })),
  op(1, fc.record({ op: fc.constant("revokeApp" as const), a: n })),
  ...mfaSteps(n),
);

/** `together`: run this step at the same time as the next one (about one step in five; shrinks to false). */
export const steps = (maxLength: number) =>
  fc.array(
    fc.tuple(stepBody, fc.nat({ max: 4 })).map(([body, k]) => ({ ...body, together: k === 4 }) as Step),
    { minLength: 1, maxLength, size: "max" },
  );

type Session = { jwt: string; id: string; userId: string };

/** What the driver holds to act with: handles, not a model of the auth state (the database is the model). */
export class World {
  users: { id: string; email: string }[] = [];
  sessions: Session[] = [];
  tokens: { id: string; userId: string }[] = [];
  resets: { token: string; userId: string }[] = [];
  /** Every status seen, so the test can insist none was a 5xx. */
  statuses: number[] = [];
  private made = 0;

  /** Service accounts, acted on by the root admin's session (tokens for them need one). */
  readonly serviceAccounts: ServiceAccountDriver;
  readonly apps: OAuthAppDriver;
  readonly groups: GroupDriver;
  readonly mfa: MfaDriver;

  private constructor(
    readonly t: TestApp,
    private readonly root: string,
    rootSession: string,
  ) {
    this.serviceAccounts = new ServiceAccountDriver(t, rootSession, (res) => this.send(res), this.tokens);
    this.apps = new OAuthAppDriver(t, (res) => this.send(res), rootSession);
    this.mfa = new MfaDriver(
      t,
      root,
      (res) => this.send(res),
      { user: (k) => this.user(k), session: (k) => this.session(k), sessions: this.sessions },
      PASSWORD,
    );
    this.groups = new GroupDriver(
      t,
      root,
      (res) => this.send(res),
      (k) => this.user(k)?.id,
    );
  }

  /** A fresh app whose first admin acts for the admin steps and is never their target. */
  static async create(): Promise<World> {
    const t = await createTestApp({ withAdmin: false });
    const passwordHash = await cheapHash;
    await t.ctx.db.transaction((tx) => addUser(tx, { id: "root", email: "root@model.example", name: "", role: "admin", passwordHash, now: t.clock.now() }));
    const jwt = await t.login("root@model.example", PASSWORD);
    const res = await t.api("POST", "/auth/tokens", { token: jwt, body: { name: "root", expires_in_days: null } });
    await storeCsv(t, "model", "x\n1\n"); // a dataset for the grant steps
    const world = new World(t, ((await res.json()) as { token: string }).token, jwt);
    // Two groups from the start, so membership steps reach real groups (not only Everyone's 409) early.
    for (let i = 0; i < 2; i++) await world.groups.run({ op: "createGroup" });
    return world;
  }

  async run(step: Step): Promise<void> {
    switch (step.op) {
      case "createUser":
        return this.createUser(step.role);
      case "updateUser":
        return void (await this.admin("PATCH", this.user(step.u), "", {
          ...(step.role && { role: step.role }),
          ...(step.name !== null && { name: step.name }),
        }));
      case "setActive":
        return void (await this.admin("POST", this.user(step.u), step.active ? "/activate" : "/deactivate"));
      case "deleteUser":
        return this.deleteUser(step.u);
      case "signIn":
        return this.signIn(step.u);
      case "signOut":
        return void (await this.form(this.session(step.s), "/logout", {}));
      case "endOtherSessions":
        return void (await this.form(this.session(step.s), "/profile/sessions/end-others", { confirm: "yes" }));
      case "endSession":
        return void (await this.form(this.session(step.s), `/profile/sessions/${this.session(step.other)?.id}/end`, { confirm: "yes" }));
      case "changePassword":
        return this.changePassword(step.s);
      case "createToken":
        return this.createToken(step.s, step.days, step.scopes);
      case "revokeToken":
        return this.revokeToken(step.t, step.byAdmin);
      case "rotateToken":
        return this.rotateToken(step.t);
      case "createServiceAccount":
      case "serviceToken":
      case "setServiceActive":
        return this.serviceAccounts.run(step);
      case "issueReset":
        return this.issueReset(step.u);
      case "redeemReset":
        return this.redeemReset(step.r);
      case "setPassword":
        return this.setPassword(step.u);
      case "advanceClock":
        return void this.t.clock.advance(step.hours * 3_600_000);
      case "connectApp":
        return this.apps.connect(this.session(step.s));
      case "refreshApp":
        return this.apps.refresh(step.a, step.reuse);
      case "revokeApp":
        return this.apps.revoke(step.a);
      default:
        return isMfaStep(step) ? this.mfa.run(step) : this.groups.run(step);
    }
  }

  private pick<T>(list: T[], k: number): T | undefined {
    return list.length ? list[k % list.length] : undefined;
  }
  private user(k: number) {
    return this.pick(this.users, k);
  }
  private session(k: number) {
    return this.pick(this.sessions, k);
  }

  private async send(res: Promise<Response>): Promise<Response> {
    const done = await res;
    this.statuses.push(done.status);
    return done;
  }
  private admin(method: string, user: { id: string } | undefined, suffix: string, body?: unknown) {
    return this.send(this.t.api(method, `/api/users/${user?.id ?? "none"}${suffix}`, { token: this.root, body }));
  }
  /** A form post with a session bearer (no cookie, so no CSRF field needed), or anonymously. */
  private form(session: Session | undefined | null, path: string, fields: Record<string, string>) {
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (session) headers.authorization = `Bearer ${session.jwt}`;
    return this.send(this.t.handle(path, { method: "POST", headers, body: new URLSearchParams(fields) }));
  }

  /** Puts the cheap hash of the same password back after a step stored a full-cost one. */
  private async cheapen(userId: string | undefined): Promise<void> {
    if (userId) await this.t.ctx.db.run("UPDATE users SET password_hash = $2 WHERE id = $1", [userId, await cheapHash]);
  }

  private async createUser(role: Role): Promise<void> {
    const email = `m${++this.made}@model.example`;
    const res = await this.send(this.t.api("POST", "/api/users", { token: this.root, body: { email, role, password: null } }));
    if (res.status !== 201) return;
    const { id } = (await res.json()) as { id: string };
    this.users.push({ id, email });
    await this.cheapen(id);
  }

  private async deleteUser(k: number): Promise<void> {
    const user = this.user(k);
    if ((await this.admin("DELETE", user, "")).status === 204) this.users = this.users.filter((u) => u !== user);
  }

  private async signIn(k: number): Promise<void> {
    const user = this.user(k);
    if (!user) return;
    const res = await this.send(this.t.api("POST", "/auth/token", { body: { email: user.email, password: PASSWORD } }));
    if (res.status !== 200) return;
    const jwt = ((await res.json()) as { access_token: string }).access_token;
    this.sessions.push({ jwt, id: sessionIdOf(jwt), userId: user.id });
  }

  private async changePassword(k: number): Promise<void> {
    const session = this.session(k);
    await this.form(session, "/profile/password", { current_password: PASSWORD, new_password: PASSWORD, new_password_confirm: PASSWORD });
    await this.cheapen(session?.userId);
  }

  /** `scopes` null: omitted (every scope); an empty list is refused (400). */
  private async createToken(k: number, days: number | null, scopes: TokenScope[] | null): Promise<void> {
    const session = this.session(k);
    if (!session) return;
    const body = { name: "model", expires_in_days: days, ...(scopes && { scopes }) };
    const res = await this.send(this.t.api("POST", "/auth/tokens", { token: session.jwt, body }));
    if (res.status === 201) this.tokens.push({ id: ((await res.json()) as { id: string }).id, userId: session.userId });
  }

  /** The owner revokes through one of their sessions (possibly ended); an admin through the admin route. */
  private async revokeToken(k: number, byAdmin: boolean): Promise<void> {
    const token = this.pick(this.tokens, k);
    if (!token) return;
    if (byAdmin) return void (await this.send(this.t.api("DELETE", `/auth/admin/tokens/${token.id}`, { token: this.root })));
    const session = this.sessions.find((s) => s.userId === token.userId);
    if (session) await this.send(this.t.api("DELETE", `/auth/tokens/${token.id}`, { token: session.jwt }));
  }

  /** The owner rotates through one of their sessions: the old secret lives on for the grace period. */
  private async rotateToken(k: number): Promise<void> {
    const token = this.pick(this.tokens, k);
    const session = token && this.sessions.find((s) => s.userId === token.userId);
    if (!token || !session) return;
    const res = await this.send(this.t.api("POST", `/auth/tokens/${token.id}/rotate`, { token: session.jwt }));
    if (res.status === 201) this.tokens.push({ id: ((await res.json()) as { id: string }).id, userId: token.userId });
  }

  private async issueReset(k: number): Promise<void> {
    const user = this.user(k);
    const res = await this.admin("POST", user, "/reset-password");
    if (res.status === 200 && user) this.resets.push({ token: ((await res.json()) as { reset_token: string }).reset_token, userId: user.id });
  }

  private async redeemReset(k: number): Promise<void> {
    const reset = this.pick(this.resets, k);
    if (!reset) return;
    await this.form(null, "/auth/password/reset", { token: reset.token, password: PASSWORD, password_confirm: PASSWORD });
    await this.cheapen(reset.userId);
  }

  private async setPassword(k: number): Promise<void> {
    const user = this.user(k);
    await this.admin("POST", user, "/set-password", { password: PASSWORD });
    await this.cheapen(user?.id);
  }
}
