// Reset links: issued by an admin, stored hashed, single-use, 24 h, superseded by a newer link; the
// page behind the link sets a new password (typed twice), ends sessions and sends the user to sign in.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { cookieFrom, createTestApp, type TestApp } from "../helpers/app";
import type { ResetLink } from "../../src/shared/contract";

// argon2 (~80 ms a hash, several times that on a busy 2-core runner) makes some tests take seconds.

let t: TestApp;
let admin: string;
let userId: string;
beforeEach(async () => {
  t = await createTestApp();
  admin = await t.login();
  userId = await t.createUser("forgetful@example.com", OLD, "analyst", "Forgetful <b>Fred</b>");
});
afterEach(() => t.close());

const OLD = "old-password-1";
const NEW = "new-password-22";
const FORM = { "content-type": "application/x-www-form-urlencoded" };

async function issue(id = userId): Promise<ResetLink> {
  const res = await t.api("POST", `/api/users/${id}/reset-password`, { token: admin });
  expect(res.status).toBe(200);
  return (await res.json()) as ResetLink;
}

function submit(token: string, password = NEW, confirm = password) {
  return t.handle("/auth/password/reset", { method: "POST", headers: FORM, body: new URLSearchParams({ token, password, password_confirm: confirm }) });
}

describe("issuing", () => {
  test("200 {reset_token, reset_url, email_sent:false}; random, long, stored only as SHA-256", async () => {
    const link = await issue();
    expect(Object.keys(link).sort()).toEqual(["email_sent", "reset_token", "reset_url"]);
    expect(link.email_sent).toBe(false);
    expect(link.reset_token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(link.reset_url).toBe(`http://localhost/auth/password/reset?token=${link.reset_token}`);
    expect((await issue()).reset_token).not.toBe(link.reset_token);
    const rows = await t.ctx.db.query<{ token_hash: string }>("SELECT token_hash FROM password_resets");
    expect(JSON.stringify(rows)).not.toContain(link.reset_token);
    const sha = createHash("sha256").update(link.reset_token).digest("hex");
    expect(rows.map((r) => r.token_hash)).not.toContain(sha); // superseded by the second link
  });

  test("the URL uses PUBLIC_URL when set", async () => {
    await t.close();
    t = await createTestApp({ env: { PUBLIC_URL: "https://agnes.example.com/base" } });
    admin = await t.login();
    userId = await t.createUser("x@example.com", OLD);
    expect((await issue()).reset_url).toStartWith("https://agnes.example.com/base/auth/password/reset?token=");
  });

  test("a deactivated user gets no link (409); an unknown user → 404", async () => {
    await t.api("POST", `/api/users/${userId}/deactivate`, { token: admin });
    const res = await t.api("POST", `/api/users/${userId}/reset-password`, { token: admin });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain("deactivated");
    expect((await t.api("POST", "/api/users/nobody/reset-password", { token: admin })).status).toBe(404);
  });
});

describe("using the link", () => {
  test("the page shows a form for the user; POST sets the password, ends sessions, 303 → /login with a flash", async () => {
    const session = await t.login("forgetful@example.com", OLD);
    const link = await issue();
    const page = await t.handle(new URL(link.reset_url).pathname + new URL(link.reset_url).search);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("forgetful@example.com");
    expect(html).toContain('name="password_confirm"');
    expect(html).toContain(`value="${link.reset_token}"`);

    const res = await submit(link.reset_token);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login");
    const flash = cookieFrom(res, "flash")!;
    const login = await t.handle("/login", { headers: { cookie: `flash=${flash}` } });
    expect(await login.text()).toContain("Password changed — sign in");

    expect((await t.api("GET", "/auth/me", { token: session })).status).toBe(401);
    expect((await t.api("POST", "/auth/token", { body: { email: "forgetful@example.com", password: OLD } })).status).toBe(401);
    expect(await t.login("forgetful@example.com", NEW)).toBeString();
    const entries = (await (await t.api("GET", `/api/audit?action=user.password_reset&target=${userId}`, { token: admin })).json()) as unknown[];
    expect(entries.length).toBe(1);
  });

  test("POST to the link itself (token in the query, as the spec writes it) works too", async () => {
    const link = await issue();
    const res = await t.handle(`/auth/password/reset?token=${encodeURIComponent(link.reset_token)}`, {
      method: "POST",
      headers: FORM,
      body: new URLSearchParams({ password: NEW, password_confirm: NEW }),
    });
    expect(res.status).toBe(303);
    expect(await t.login("forgetful@example.com", NEW)).toBeString();
  });

  test("mismatched or short passwords re-show the form (400) and keep the link usable", async () => {
    const link = await issue();
    const differ = await submit(link.reset_token, NEW, `${NEW}x`);
    expect(differ.status).toBe(400);
    expect(await differ.text()).toContain("The two passwords differ.");
    const short = await submit(link.reset_token, "short");
    expect(short.status).toBe(400);
    expect(await short.text()).toContain("at least 8");
    expect((await submit(link.reset_token)).status).toBe(303);
  });

  test("single use: a second use → 410 page saying to ask an admin", async () => {
    const link = await issue();
    expect((await submit(link.reset_token)).status).toBe(303);
    for (const res of [await submit(link.reset_token, "another-pass-3"), await t.handle(`/auth/password/reset?token=${link.reset_token}`)]) {
      expect(res.status).toBe(410);
      const html = await res.text();
      expect(html).toContain("already been used");
      expect(html).toContain("Ask an administrator for a new link");
    }
    expect(await t.login("forgetful@example.com", NEW)).toBeString();
  });

  test("two submissions of one link at the same moment: exactly one wins", async () => {
    const link = await issue();
    const results = await Promise.all([submit(link.reset_token, "racer-one-111"), submit(link.reset_token, "racer-two-222")]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 410]);
  });

  test("expired after 24 h → 410", async () => {
    const link = await issue();
    t.clock.advance(24 * 3_600_000 - 1000);
    expect((await t.handle(`/auth/password/reset?token=${link.reset_token}`)).status).toBe(200);
    t.clock.advance(2000);
    const res = await t.handle(`/auth/password/reset?token=${link.reset_token}`);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain("expired");
    expect((await submit(link.reset_token)).status).toBe(410);
    expect((await t.api("POST", "/auth/token", { body: { email: "forgetful@example.com", password: NEW } })).status).toBe(401);
  });

  test("unknown, malformed, missing or superseded links → 400 page", async () => {
    const older = await issue();
    await issue();
    for (const path of [
      `/auth/password/reset?token=${older.reset_token}`,
      "/auth/password/reset?token=nope",
      "/auth/password/reset",
      `/auth/password/reset?token=${"A".repeat(43)}`,
    ]) {
      const res = await t.handle(path);
      expect(`${path} ${res.status}`).toBe(`${path} 400`);
      expect(await res.text()).toContain("Ask an administrator for a new link");
    }
    expect((await submit(older.reset_token)).status).toBe(400);
  });

  // The page lives under /auth/, where errors are JSON for API clients; a person who followed a link
  // must still get a page, with Retry-After, when the address has used up its tries.
  test("after too many unknown links from one address, even a valid link shows a 429 page", async () => {
    const link = await issue();
    for (let i = 0; i < 10; i++) expect((await t.handle(`/auth/password/reset?token=${"B".repeat(40)}${i}`)).status).toBe(400);
    for (const res of [await t.handle(`/auth/password/reset?token=${link.reset_token}`), await submit(link.reset_token)]) {
      expect(res.status).toBe(429);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await res.text()).toContain("Too many tries with reset links that do not exist");
    }
  });

  test("an admin setting the password makes outstanding links stop working", async () => {
    const link = await issue();
    await t.api("POST", `/api/users/${userId}/set-password`, { token: admin, body: { password: "admin-chose-1" } });
    expect((await submit(link.reset_token)).status).toBe(400);
  });

  test("deactivating the user voids the link: it does not work again after a re-activation", async () => {
    const link = await issue();
    await t.api("POST", `/api/users/${userId}/deactivate`, { token: admin });
    const res = await t.handle(`/auth/password/reset?token=${link.reset_token}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("This reset link is not valid");
    expect((await t.api("POST", `/api/users/${userId}/activate`, { token: admin })).status).toBe(200);
    expect((await t.handle(`/auth/password/reset?token=${link.reset_token}`)).status).toBe(400);
    expect((await submit(link.reset_token)).status).toBe(400);
    expect(await t.login("forgetful@example.com", OLD)).toBeString();
  });

  test("a user created without a password gets in through a link", async () => {
    const created = await t.api("POST", "/api/users", { token: admin, body: { email: "fresh@example.com" } });
    const { id } = (await created.json()) as { id: string };
    const link = await issue(id);
    expect((await submit(link.reset_token)).status).toBe(303);
    expect(await t.login("fresh@example.com", NEW)).toBeString();
  });

  test("a cross-site POST is refused by the same-origin check", async () => {
    const link = await issue();
    const res = await t.handle("/auth/password/reset", {
      method: "POST",
      headers: { ...FORM, origin: "https://evil.example" },
      body: new URLSearchParams({ token: link.reset_token, password: NEW, password_confirm: NEW }),
    });
    expect(res.status).toBe(403);
    expect((await submit(link.reset_token)).status).toBe(303);
  });
});
