// Fixes from the hostile-input pass, each tested where it bit: bodies are bounded before parsing,
// revoking access voids every pending credential-like thing, emails are one form, tokens are
// bounded per person, the flash cookie cannot be forged, names such as `__proto__` are not routes
// or targets, and a stolen session's current-password guesses draw on the sign-in budget.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { ADMIN_EMAIL, cookieFrom, createTestApp, type TestApp } from "../helpers/app";
import { MAX_JSON_DEPTH, SMALL_BODY_BYTES } from "../../src/http/request-body";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const json = (body: string) => ({ method: "POST", headers: { "content-type": "application/json" }, body });

describe("request bodies", () => {
  test("a sign-in body over the small-form limit is refused with 413 before it is parsed", async () => {
    const res = await t.handle("/auth/token", json(JSON.stringify({ email: ADMIN_EMAIL, password: "x".repeat(SMALL_BODY_BYTES) })));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ detail: expect.stringContaining("larger than this route accepts") });
  });

  test.each([
    ["arrays", "[".repeat(20_000) + "]".repeat(20_000), "/api/users"],
    ["objects", `${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${"}".repeat(MAX_JSON_DEPTH + 1)}`, "/auth/token"],
  ])("JSON nested deeper than the limit (%s) is a 400 naming the limit, never a 500", async (_kind, body, path) => {
    const res = await t.handle(path, json(body));
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toContain(`nested deeper than ${MAX_JSON_DEPTH} levels`);
  });

  test("brackets inside strings do not count as nesting", async () => {
    const res = await t.handle("/auth/token", json(JSON.stringify({ email: "[".repeat(200), password: "{".repeat(200) })));
    expect(res.status).toBe(401);
  });

  test("invalid UTF-8 is a 400; an unknown content type is a 415", async () => {
    const bad = await t.handle("/auth/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toContain("UTF-8");
    const xml = await t.handle("/auth/token", { method: "POST", headers: { "content-type": "application/xml" }, body: "<a/>" });
    expect(xml.status).toBe(415);
  });
});

describe("revoking access voids pending credential-like things", () => {
  test("a reset link revealed to an admin is gone once the user is deactivated", async () => {
    const id = await t.createUser("leaver@example.com", "password-123");
    const admin = await t.browser();
    const issued = await admin.post(`/admin/users/${id}/reset-link`, { confirm: "yes" });
    const flash = `flash=${cookieFrom(issued, "flash")}`;
    // Viewed before the deactivation, the link would be there: the flash does carry a reveal.
    expect(issued.headers.get("location")).toBe(`/admin/users/${id}`);
    expect((await t.api("POST", `/api/users/${id}/deactivate`, { token: await t.login() })).status).toBe(200);
    const page = await (await admin.get(`/admin/users/${id}`, flash)).text();
    expect(page).not.toContain("/auth/password/reset?token=");
  });

  test("a token waiting to be revealed is gone when its owner is deleted before the page is viewed", async () => {
    await t.createUser("owner@example.com", "password-123");
    const owner = await t.browser("owner@example.com", "password-123");
    const created = await owner.post("/profile/tokens", { name: "ci", expires_in_days: "30", "scope:all": "on" });
    const reveal = JSON.parse(Buffer.from(cookieFrom(created, "flash")!.split(".")[0]!, "base64url").toString()).reveal as string;
    const ownerId = (await (await t.api("GET", "/api/users?q=owner", { token: await t.login() })).json())[0].id as string;
    expect((await t.api("DELETE", `/api/users/${ownerId}`, { token: await t.login() })).status).toBe(204);
    expect(t.ctx.reveals.take(owner.sessionId, reveal)).toBeNull();
  });
});

describe("emails", () => {
  test("NFC and NFD spellings are one address; invisible characters are refused", async () => {
    const token = await t.login();
    const nfd = "jose\u0301@example.com";
    const nfc = "jos\u00e9@example.com";
    const created = await t.api("POST", "/api/users", { token, body: { email: nfd, password: "password-123" } });
    expect(created.status).toBe(201);
    expect((await created.json()).email).toBe(nfc);
    expect((await t.api("POST", "/api/users", { token, body: { email: nfc.toUpperCase(), password: "password-123" } })).status).toBe(409);
    expect(await t.login(nfc, "password-123")).toBeString();
    expect(await t.login(nfd, "password-123")).toBeString();
    for (const invisible of ["ad\u200bmin2@example.com", "admin2\u00ad@example.com", "\u202eadmin2@example.com", "admin2@exa\u2060mple.com"]) {
      expect((await t.api("POST", "/api/users", { token, body: { email: invisible } })).status).toBe(400);
    }
  });
});

describe("tokens per person", () => {
  test("at most 100 active tokens, also when the last ones are created in parallel", async () => {
    const session = await t.login();
    for (let i = 0; i < 95; i++) expect((await t.api("POST", "/auth/tokens", { token: session, body: { name: `t${i}` } })).status).toBe(201);
    const parallel = await Promise.all(Array.from({ length: 10 }, (_, i) => t.api("POST", "/auth/tokens", { token: session, body: { name: `p${i}` } })));
    expect(parallel.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = parallel.find((r) => r.status === 400)!;
    expect((await refused.json()).detail).toContain("100 active tokens");
  });
});

describe("the flash cookie", () => {
  test("a forged flash is ignored; a signed one is shown", async () => {
    const admin = await t.browser();
    const forged = Buffer.from(JSON.stringify({ kind: "ok", message: "Your account was verified: enter your card" })).toString("base64url");
    for (const value of [forged, `${forged}.AAAA`, `${forged}.${"A".repeat(43)}`]) {
      const page = await (await admin.get("/profile", `flash=${value}`)).text();
      expect(page).not.toContain("enter your card");
    }
    const real = await admin.post("/profile/sessions/end-others", { confirm: "yes" });
    const page = await (await admin.get("/profile", `flash=${cookieFrom(real, "flash")}`)).text();
    expect(page).toContain("other session(s) signed out");
  });
});

describe("names that are properties of every object", () => {
  test.each(["__proto__", "constructor", "toString", "hasOwnProperty"])("/static/%s is a 404, /cli/download?os=%s a 400", async (name) => {
    for (const method of ["GET", "HEAD"]) expect((await t.handle(`/static/${name}`, { method })).status).toBe(404);
    const download = await t.handle(`/cli/download?os=${name}&arch=${name}`);
    expect(download.status).toBe(400);
    expect((await download.json()).detail).toContain(`Unknown os "${name}"`);
  });
});

test("a stolen session adds no guesses of its own: the current-password check draws on the sign-in budget", async () => {
  const me = await t.browser();
  for (let i = 0; i < 10; i++) await t.api("POST", "/auth/token", { body: { email: ADMIN_EMAIL, password: `wrong-${i}` } });
  const res = await me.post("/profile/password", { current_password: "another-guess", new_password: "new-password-1", new_password_confirm: "new-password-1" });
  const page = await (await me.get("/profile", `flash=${cookieFrom(res, "flash")}`)).text();
  expect(page).toContain("Too many");
  expect(page).not.toContain("current password is not right");
});
