import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, type TestApp } from "../helpers/app";
import { setUserActive } from "../../src/modules/users/repository";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

function decodeClaims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString());
}

async function formLogin(email: string, password: string, next?: string) {
  const body = new URLSearchParams({ email, password, ...(next ? { next } : {}) });
  return t.handle("/login", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" }, body });
}

describe("POST /auth/token", () => {
  test("issues a 24 h session token with the documented claims", async () => {
    const res = await t.api("POST", "/auth/token", { body: { email: ` ${ADMIN_EMAIL.toUpperCase()} `, password: ADMIN_PASSWORD } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ token_type: "bearer", email: ADMIN_EMAIL, role: "admin", user_id: expect.any(String) });
    const claims = decodeClaims(body.access_token);
    expect(claims).toMatchObject({ sub: body.user_id, typ: "session", email: ADMIN_EMAIL, role: "admin" });
    expect(claims.jti).toBeString();
    expect(claims.iat).toBeNumber();
    expect((claims.exp as number) * 1000).toBe(new Date(body.expires_at).getTime() - (new Date(body.expires_at).getTime() % 1000));
    expect(new Date(body.expires_at).getTime() - t.clock.now().getTime()).toBeWithin(24 * 3_600_000 - 2000, 24 * 3_600_000 + 1);
  });

  test("wrong password and unknown email give the same 401 message", async () => {
    const wrong = await t.api("POST", "/auth/token", { body: { email: ADMIN_EMAIL, password: "nope-nope-nope" } });
    const unknown = await t.api("POST", "/auth/token", { body: { email: "ghost@example.com", password: "nope-nope-nope" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  test("a deactivated user is refused only after a correct password", async () => {
    const id = await t.createUser("gone@example.com", "gone-password");
    await t.ctx.db.transaction((tx) => setUserActive(tx, id, false, null, t.clock.now()));
    const wrong = await t.api("POST", "/auth/token", { body: { email: "gone@example.com", password: "not-the-password" } });
    expect((await wrong.json()).detail).toBe("Incorrect email or password");
    const right = await t.api("POST", "/auth/token", { body: { email: "gone@example.com", password: "gone-password" } });
    expect(right.status).toBe(401);
    expect((await right.json()).detail).toBe("Account deactivated");
  });

  test("a schema violation is 422 with a readable message that does not echo the body", async () => {
    const res = await t.api("POST", "/auth/token", { body: { email: ["secret-value-123"], password: 42 } });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(["detail"]);
    expect(body.detail).toContain("email");
    expect(body.detail).not.toContain("secret-value-123");
  });

  test("last_login_at is kept", async () => {
    await t.login();
    const [row] = await t.ctx.db.query<{ last_login_at: Date | null }>("SELECT last_login_at FROM users WHERE email = $1", [ADMIN_EMAIL]);
    expect(row!.last_login_at).toBeInstanceOf(Date);
  });
});

describe("GET /auth/me", () => {
  test("says who the bearer is and how it authenticated", async () => {
    const token = await t.login();
    const res = await t.api("GET", "/auth/me", { token });
    expect(await res.json()).toMatchObject({ email: ADMIN_EMAIL, role: "admin", active: true, auth: "session", token_id: null });
  });

  test("works with the session token in the cookie too", async () => {
    const token = await t.login();
    const res = await t.handle("/auth/me", { headers: { cookie: `access_token=${token}` } });
    expect(res.status).toBe(200);
  });
});

describe("form sign-in and sign-out", () => {
  test("POST /login sets an HttpOnly SameSite=Lax cookie and 303s to next", async () => {
    const res = await formLogin(ADMIN_EMAIL, ADMIN_PASSWORD, "/profile?tab=tokens");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/profile?tab=tokens");
    const header = res.headers.getSetCookie().find((c) => c.startsWith("access_token="))!;
    expect(header).toContain("HttpOnly");
    expect(header).toContain("SameSite=Lax");
    expect(header).toContain("Path=/");
    expect(header).not.toContain("Secure");
  });

  test("the cookie is Secure when the public URL is https", async () => {
    const https = await createTestApp({ env: { PUBLIC_URL: "https://agnes.example.com" } });
    try {
      const body = new URLSearchParams({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
      const res = await https.handle("/login", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
      expect(res.headers.getSetCookie().find((c) => c.startsWith("access_token="))).toContain("Secure");
    } finally {
      await https.close();
    }
  });

  test("a failed form sign-in shows the form again with a message", async () => {
    const res = await formLogin(ADMIN_EMAIL, "wrong-password", "/dashboard");
    expect(res.status).toBe(401);
    const page = await res.text();
    expect(page).toContain("Incorrect email or password");
    expect(page).toContain('name="next" value="/dashboard"');
  });

  test("logout ends the session for good: the old cookie no longer works", async () => {
    const b = await t.browser();
    const out = await b.post("/logout", {});
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/login");
    expect(out.headers.getSetCookie().find((c) => c.startsWith("access_token="))).toContain("Max-Age=0");
    const again = await b.raw("/auth/me");
    expect(again.status).toBe(401);
    const [row] = await t.ctx.db.query<{ ended_at: Date | null }>("SELECT ended_at FROM sessions WHERE id = $1", [b.sessionId]);
    expect(row!.ended_at).toBeInstanceOf(Date);
  });

  test("a bearer session can log out too (the CLI does this)", async () => {
    const token = await t.login();
    const out = await t.api("POST", "/logout", { token });
    expect(out.status).toBe(303);
    expect((await t.api("GET", "/auth/me", { token })).status).toBe(401);
  });

  test("a session ends when the user's password changes", async () => {
    const token = await t.login();
    const admin = await t.login();
    const me = await (await t.api("GET", "/auth/me", { token })).json();
    const res = await t.api("POST", `/api/users/${me.id}/set-password`, { token: admin, body: { password: "a-new-password" } });
    expect(res.status).toBe(204);
    expect((await t.api("GET", "/auth/me", { token })).status).toBe(401);
    expect((await t.api("GET", "/auth/me", { token: await t.login(ADMIN_EMAIL, "a-new-password") })).status).toBe(200);
  });

  test("the session survives a restart: sessions are loaded from the database", async () => {
    const token = await t.login();
    const again = await createTestApp({ dataDir: t.dataDir, withAdmin: false });
    try {
      expect((await again.api("GET", "/auth/me", { token })).status).toBe(200);
    } finally {
      await again.close();
    }
  });
});
