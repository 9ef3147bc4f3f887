// Every check of a secret is limited, and the limit holds when the guesses arrive all at once:
// the failure slot is claimed before the (slow) check. Before this, 40 parallel wrong passwords were
// all verified. The sign-in policy: an attacker who does not know the password slows guessing down
// but cannot lock the owner out of a client they signed in from before.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, type TestApp } from "../helpers/app";

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const PARALLEL = 40;

let t: TestApp;
afterEach(() => t.close());

const statuses = (responses: Response[]) => responses.map((r) => r.status);
const count = (list: number[], status: number) => list.filter((s) => s === status).length;

describe("sign-in under concurrency", () => {
  beforeEach(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: "1" } });
  });
  const from = (ip: string) => ({ "x-forwarded-for": ip });

  test(`${PARALLEL} parallel wrong passwords to /auth/token: at most 10 are checked`, async () => {
    const body = (i: number) => JSON.stringify({ email: ADMIN_EMAIL, password: `wrong-${i}` });
    const all = statuses(
      await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          t.handle("/auth/token", { method: "POST", headers: { "content-type": "application/json", ...from("203.0.113.1") }, body: body(i) }),
        ),
      ),
    );
    expect(count(all, 401)).toBe(10);
    expect(count(all, 429)).toBe(PARALLEL - 10);
  });

  test(`${PARALLEL} parallel wrong passwords to the /login form, spread over many addresses: at most 10 are checked`, async () => {
    const all = statuses(
      await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          t.handle("/login", {
            method: "POST",
            headers: { ...FORM, ...from(`198.51.100.${i}`) },
            body: new URLSearchParams({ email: ADMIN_EMAIL, password: `wrong-${i}` }),
          }),
        ),
      ),
    );
    expect(count(all, 401)).toBe(10);
    expect(count(all, 429)).toBe(PARALLEL - 10);
  });

  test("guesses from elsewhere do not lock the owner out of a client they signed in from before", async () => {
    const signIn = (ip: string, password: string) => t.api("POST", "/auth/token", { body: { email: ADMIN_EMAIL, password }, headers: from(ip) });
    expect((await signIn("192.0.2.10", ADMIN_PASSWORD)).status).toBe(200); // the owner's usual client
    for (let i = 0; i < 30; i++) await signIn(`198.51.100.${i}`, `guess-${i}`); // a botnet
    expect((await signIn("198.51.100.200", ADMIN_PASSWORD)).status).toBe(429); // a new client waits
    expect((await signIn("192.0.2.10", ADMIN_PASSWORD)).status).toBe(200); // the known one does not
  });

  test("one address cannot spray a password over many accounts", async () => {
    for (let i = 0; i < 10; i++)
      await t.api("POST", "/auth/token", { body: { email: `u${i}@example.com`, password: "Summer2026!" }, headers: from("203.0.113.5") });
    expect((await t.api("POST", "/auth/token", { body: { email: "u99@example.com", password: "Summer2026!" }, headers: from("203.0.113.5") })).status).toBe(
      429,
    );
  });
});

describe("other secret checks", () => {
  test("the current password of a password change: parallel wrong guesses check at most 10", async () => {
    t = await createTestApp();
    const me = await t.browser();
    const all = statuses(
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          me.post("/profile/password", { current_password: `wrong-${i}`, new_password: "new-password-1", new_password_confirm: "new-password-1" }),
        ),
      ),
    );
    expect(all.every((s) => s === 303)).toBe(true);
    const right = await me.post("/profile/password", {
      current_password: ADMIN_PASSWORD,
      new_password: "new-password-1",
      new_password_confirm: "new-password-1",
    });
    expect(right.status).toBe(303);
    const page = await (await me.get("/profile", flashCookie(right))).text();
    expect(page).toContain("Too many wrong current passwords");
    t.clock.advance(15 * 60_000 + 1_000); // the guesses spent the account's sign-in budget too
    expect(await t.login(ADMIN_EMAIL, ADMIN_PASSWORD)).toBeString(); // unchanged
  });

  test("setup codes: 10 wrong codes from one address, then 429 even for the right one", async () => {
    t = await createTestApp({ withAdmin: false });
    const code = JSON.parse(t.log.lines.find((l) => l.includes('"setup.code"'))!).code as string;
    const setup = (setupCode: string) =>
      t.handle("/setup", {
        method: "POST",
        headers: FORM,
        body: new URLSearchParams({ setup_code: setupCode, email: "a@example.com", password: "password-123", password_confirm: "password-123" }),
      });
    const all = statuses(await Promise.all(Array.from({ length: 20 }, (_, i) => setup(`WRONG${i}`))));
    expect(count(all, 403)).toBe(10);
    expect(count(all, 429)).toBe(10);
    const blocked = await setup(code);
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toContain("Too many wrong setup codes");
    t.clock.advance(15 * 60_000 + 1_000);
    expect((await setup(code)).status).toBe(303);
  });

  test("reset links: parallel guesses look up at most 10 unknown tokens, then 429", async () => {
    t = await createTestApp();
    const guess = (i: number) => t.handle(`/auth/password/reset?token=${"A".repeat(40)}${i}`, { headers: { accept: "text/html" } });
    const all = statuses(await Promise.all(Array.from({ length: 25 }, (_, i) => guess(i))));
    expect(count(all, 400)).toBe(10);
    expect(count(all, 429)).toBe(15);
  });
});

function flashCookie(res: Response): string {
  const header = res.headers.getSetCookie().find((c) => c.startsWith("flash="))!;
  return header.split(";")[0]!;
}
