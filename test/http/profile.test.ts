// /profile through app.handle, as a browser uses it: cookie session, CSRF field, POST → 303 → GET.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, cookieFrom, createTestApp, sessionIdOf, type TestApp } from "../helpers/app";

// Each test hashes passwords (argon2id, ~80 ms each) and opens DuckDB; a busy machine needs headroom.

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const revealedToken = (html: string) => /<code class="token-value">(agnes_pat_[0-9A-Za-z]+)<\/code>/.exec(html)?.[1] ?? null;

describe("GET /profile", () => {
  test("shows who you are, this session and the token form; not cacheable", async () => {
    const b = await t.browser();
    const res = await b.get("/profile");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain(ADMIN_EMAIL);
    expect(html).toContain("this session");
    expect(html).toContain('action="/profile/tokens"');
    expect(html).toContain('value="never"');
    expect(html).toContain("You have no tokens yet");
  });

  test("signed out → redirect to /login; a PAT → 403", async () => {
    const res = await t.handle("/profile", { headers: { accept: "text/html" } });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?next=%2Fprofile");
    const session = await t.login();
    const { token } = await (await t.api("POST", "/auth/tokens", { token: session, body: { name: "x" } })).json();
    expect((await t.handle("/profile", { headers: { accept: "text/html", authorization: `Bearer ${token}` } })).status).toBe(403);
  });

  test("PAT_MAX_DAYS hides the longer lifetimes and 'never'", async () => {
    await t.close();
    t = await createTestApp({ env: { PAT_MAX_DAYS: "60" } });
    const html = await (await (await t.browser()).get("/profile")).text();
    expect(html).toContain('value="30"');
    expect(html).toContain('value="60" selected');
    expect(html).not.toContain('value="90"');
    expect(html).not.toContain('value="365"');
    expect(html).not.toContain('value="never"');
  });
});

describe("creating a token on /profile", () => {
  test("the token is revealed once: not in the redirect or a cookie, gone on reload, and it works", async () => {
    const b = await t.browser();
    const res = await b.post("/profile/tokens", { name: "laptop", expires_in_days: "30", "scope:all": "on" });
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    const first = await b.follow(res);
    const token = revealedToken(first);
    expect(token).not.toBeNull();
    expect(first).toContain("you will not see it again");
    expect(first).toContain(`data-copy="${token}"`);
    expect(location).not.toContain(token!);
    expect(res.headers.getSetCookie().join("\n")).not.toContain(token!);
    expect(res.headers.getSetCookie().join("\n")).not.toContain(token!.slice(10, 30));

    const again = await (await b.get("/profile")).text();
    expect(again).not.toContain(token!);
    expect(again).toContain("laptop");
    const me = await t.api("GET", "/auth/me", { token: token! });
    expect((await me.json()).auth).toBe("pat");
  });

  test("the reveal is bound to the session that created it", async () => {
    const b = await t.browser();
    const res = await b.post("/profile/tokens", { name: "mine", "scope:all": "on" });
    expect(res.status).toBe(303);
    const other = await t.browser();
    expect(revealedToken(await (await other.get("/profile", `flash=${cookieFrom(res, "flash")}`)).text())).toBeNull();
  });

  test("without the CSRF field → 403 and no token", async () => {
    const b = await t.browser();
    const res = await b.raw("/profile/tokens", {
      method: "POST",
      headers: { accept: "text/html", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ name: "csrf" }),
    });
    expect(res.status).toBe(403);
    expect(await (await t.api("GET", "/auth/tokens", { token: b.token })).json()).toEqual([]);
  });

  test("a blank name or a bad lifetime → an error message, no token", async () => {
    const b = await t.browser();
    const blank = await b.submit("/profile/tokens", { name: "  ", expires_in_days: "30", "scope:all": "on" });
    expect(blank).toContain("flash-error");
    expect(blank).toContain("Give the token a name");
    const bad = await b.submit("/profile/tokens", { name: "x", expires_in_days: "0", "scope:all": "on" });
    expect(bad).toContain("flash-error");
    expect(revealedToken(bad)).toBeNull();
    expect(bad).toContain("You have no tokens yet");
  });

  test("names are escaped", async () => {
    const b = await t.browser();
    const html = await b.submit("/profile/tokens", { name: "<script>alert(1)</script>", "scope:all": "on" });
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const admin = await (await b.get("/admin/tokens")).text();
    expect(admin).not.toContain("<script>alert(1)</script>");
  });
});

describe("revoking a token on /profile", () => {
  test("confirm page first; without confirm nothing happens; with it the token stops working", async () => {
    const b = await t.browser();
    const token = revealedToken(await b.submit("/profile/tokens", { name: "ci-deploy", "scope:all": "on" }))!;
    const [{ id }] = await (await t.api("GET", "/auth/tokens", { token: b.token })).json();
    const list = await (await b.get("/profile")).text();
    expect(list).toContain(`href="/profile/tokens/${id}/revoke"`);

    const confirm = await b.get(`/profile/tokens/${id}/revoke`);
    expect(confirm.status).toBe(200);
    const confirmHtml = await confirm.text();
    expect(confirmHtml).toContain("ci-deploy");
    expect(confirmHtml).toContain('name="confirm" value="yes"');

    const unconfirmed = await b.post(`/profile/tokens/${id}/revoke`, {});
    expect(unconfirmed.status).toBe(200);
    expect(await unconfirmed.text()).toContain('name="confirm" value="yes"');
    expect((await t.api("GET", "/auth/me", { token })).status).toBe(200);

    const done = await b.submit(`/profile/tokens/${id}/revoke`, { confirm: "yes" });
    expect(done).toContain("Token &quot;ci-deploy&quot; revoked");
    expect(done).toContain("revoked</span>");
    expect((await t.api("GET", "/auth/me", { token })).status).toBe(401);
  });

  test("someone else's token → 404, and it keeps working", async () => {
    const admin = await t.browser();
    const token = revealedToken(await admin.submit("/profile/tokens", { name: "admins", "scope:all": "on" }))!;
    const [{ id }] = await (await t.api("GET", "/auth/tokens", { token: admin.token })).json();
    await t.createUser("ana@example.com", "ana-password-1");
    const ana = await t.browser("ana@example.com", "ana-password-1");
    expect((await ana.get(`/profile/tokens/${id}/revoke`)).status).toBe(404);
    const post = await ana.post(`/profile/tokens/${id}/revoke`, { confirm: "yes" });
    expect(post.status).toBe(303);
    expect(await (await ana.get("/profile", `flash=${cookieFrom(post, "flash")}`)).text()).toContain("Token not found");
    expect((await t.api("GET", "/auth/me", { token })).status).toBe(200);
  });
});

describe("a long token history on /profile", () => {
  test("every working token and the 20 newest revoked or expired ones are listed; older ones are counted, and the API still lists all", async () => {
    const b = await t.browser();
    const create = async (name: string, expiresInDays: number | null = null) => {
      t.clock.advance(1_000); // newest first is by creation time
      return (await (await t.api("POST", "/auth/tokens", { token: b.token, body: { name, expires_in_days: expiresInDays } })).json()) as { id: string };
    };
    const expiring = await create("old-expiring", 1);
    for (let i = 0; i < 24; i++) {
      const { id } = await create(`revoked-${String(i).padStart(2, "0")}`);
      expect((await t.api("DELETE", `/auth/tokens/${id}`, { token: b.token })).status).toBe(204);
    }
    await create("working-a");
    await create("working-b");
    t.clock.advance(2 * 86_400_000); // old-expiring has expired; the rest never expire
    const fresh = await t.browser();

    const html = await (await fresh.get("/profile")).text();
    const listed = [...html.matchAll(/>(working-[ab]|revoked-\d\d|old-expiring)</g)].map((m) => m[1]);
    expect(listed.slice(0, 2)).toEqual(["working-b", "working-a"]);
    expect(listed.slice(2)).toEqual(Array.from({ length: 20 }, (_, i) => `revoked-${String(23 - i).padStart(2, "0")}`));
    expect(html).toContain("5 older revoked or expired tokens are not shown;");

    const all = (await (await t.api("GET", "/auth/tokens", { token: fresh.token })).json()) as { id: string }[];
    expect(all).toHaveLength(27);
    expect(all.map((x) => x.id)).toContain(expiring.id);
  });

  test("no note while the history fits", async () => {
    const b = await t.browser();
    const { id } = (await (await t.api("POST", "/auth/tokens", { token: b.token, body: { name: "only" } })).json()) as { id: string };
    await t.api("DELETE", `/auth/tokens/${id}`, { token: b.token });
    const html = await (await b.get("/profile")).text();
    expect(html).toContain(">only<");
    expect(html).not.toContain("not shown");
  });
});

describe("password", () => {
  test("wrong current password → error, nothing changes", async () => {
    const b = await t.browser();
    const html = await b.submit("/profile/password", {
      current_password: "wrong-password",
      new_password: "new-password-1",
      new_password_confirm: "new-password-1",
    });
    expect(html).toContain("flash-error");
    expect(html).toContain("current password is not right");
    await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  test("mismatch or too short → error", async () => {
    const b = await t.browser();
    expect(
      await b.submit("/profile/password", { current_password: ADMIN_PASSWORD, new_password: "new-password-1", new_password_confirm: "new-password-2" }),
    ).toContain("differ");
    expect(await b.submit("/profile/password", { current_password: ADMIN_PASSWORD, new_password: "short", new_password_confirm: "short" })).toContain(
      "at least 8",
    );
    await t.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  test("success ends every other session, keeps this one and the PATs; audited without the password", async () => {
    const b = await t.browser();
    const otherSession = await t.login();
    const { token } = await (await t.api("POST", "/auth/tokens", { token: otherSession, body: { name: "kept" } })).json();
    const html = await b.submit("/profile/password", {
      current_password: ADMIN_PASSWORD,
      new_password: "brand-new-pass-1",
      new_password_confirm: "brand-new-pass-1",
    });
    expect(html).toContain("Password changed");
    expect((await t.api("GET", "/auth/me", { token: otherSession })).status).toBe(401);
    expect((await b.get("/profile")).status).toBe(200);
    expect((await t.api("GET", "/auth/me", { token })).status).toBe(200);
    await expect(t.login(ADMIN_EMAIL, ADMIN_PASSWORD)).rejects.toThrow();
    await t.login(ADMIN_EMAIL, "brand-new-pass-1");
    const rows = await t.ctx.db.query<{ params: string }>("SELECT params FROM audit_log WHERE action = 'user.password_change'");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.params).not.toContain("brand-new-pass-1");
  });
  test("a pending reset link stops working once the user changes the password themselves", async () => {
    await t.createUser("resetter@example.com", "first-password-1");
    const admin = await t.login();
    const [user] = await (await t.api("GET", "/api/users?q=resetter", { token: admin })).json();
    const link = await (await t.api("POST", `/api/users/${user.id}/reset-password`, { token: admin })).json();
    expect((await t.handle(`/auth/password/reset?token=${link.reset_token}`)).status).toBe(200);
    const b = await t.browser("resetter@example.com", "first-password-1");
    await b.submit("/profile/password", { current_password: "first-password-1", new_password: "second-password-2", new_password_confirm: "second-password-2" });
    expect((await t.handle(`/auth/password/reset?token=${link.reset_token}`)).status).not.toBe(200);
  });
});

describe("sessions", () => {
  test("sign out one other session; it stops working, this one stays", async () => {
    const b = await t.browser();
    const other = await t.login();
    const otherId = sessionIdOf(other);
    const page = await (await b.get("/profile")).text();
    expect(page).toContain(`/profile/sessions/${otherId}/end`);
    expect(page).not.toContain(`/profile/sessions/${b.sessionId}/end`);
    const html = await b.submit(`/profile/sessions/${otherId}/end`, { confirm: "yes" });
    expect(html).toContain("Session signed out");
    expect((await t.api("GET", "/auth/me", { token: other })).status).toBe(401);
    expect((await b.get("/profile")).status).toBe(200);
    expect(await b.submit(`/profile/sessions/${b.sessionId}/end`, { confirm: "yes" })).toContain("use Sign out");
  });

  test("another user's session cannot be ended from here", async () => {
    await t.createUser("ana@example.com", "ana-password-1");
    const anaSession = await t.login("ana@example.com", "ana-password-1");
    const anaId = sessionIdOf(anaSession);
    const b = await t.browser();
    expect(await b.submit(`/profile/sessions/${anaId}/end`, { confirm: "yes" })).toContain("Session not found");
    expect((await t.api("GET", "/auth/me", { token: anaSession })).status).toBe(200);
  });

  test("sign out everywhere else", async () => {
    const b = await t.browser();
    const others = [await t.login(), await t.login()];
    expect(await b.submit("/profile/sessions/end-others", { confirm: "yes" })).toContain("2 other session(s) signed out");
    for (const other of others) expect((await t.api("GET", "/auth/me", { token: other })).status).toBe(401);
    expect((await b.get("/profile")).status).toBe(200);
    const [row] = await t.ctx.db.query<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.sessions_end_others'");
    expect(row?.n).toBe(1);
  });
});
