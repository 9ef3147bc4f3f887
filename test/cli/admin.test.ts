// `da admin …` against the real server: user management, everyone's tokens, and the server's
// safeguards surfacing as clean exit-1 messages.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DEFAULT_ROLE, MIN_PASSWORD_LENGTH, type AdminToken, type ResetLink, type User } from "../../src/shared/contract";
import type { RunningServer } from "../helpers/server";
import { daBinary, hasStackTrace, runDa, sandbox, type Sandbox } from "../helpers/cli";
import { PAGING } from "../../src/shared/contract";
import { ADMIN, createPat, createUser, daLogin, getJson, sessionToken, startAgnes, uniqueEmail } from "./fixtures";

let server: RunningServer;
let admin: Sandbox;
beforeAll(async () => {
  [server] = await Promise.all([startAgnes(), daBinary()]);
  admin = sandbox();
  await daLogin(admin, server);
});
afterAll(async () => {
  admin?.cleanup();
  await server?.stop();
});

const da = (args: string[], stdin?: string) => runDa(args, { env: admin.env, stdin });

async function daJson<T>(args: string[], stdin?: string): Promise<T> {
  const result = await da([...args, "--json"], stdin);
  expect(result.stderr).not.toContain("error:");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

function expectCleanFailure(result: { code: number; stderr: string }, message: string) {
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(message);
  expect(hasStackTrace(result.stderr)).toBe(false);
}

describe("users", () => {
  test("list-users: a table with email, name, role, status and id; --json is the API's list", async () => {
    const user = await createUser(server, "viewer", "listed");
    await da(["admin", "deactivate", user.email]);
    const table = await da(["admin", "list-users"]);
    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^EMAIL\s+NAME\s+ROLE\s+STATUS/);
    const row = table.stdout.split("\n").find((line) => line.includes(user.email))!;
    expect(row).toContain("DEACTIVATED");
    expect(row).toContain(user.id);
    const users = await daJson<User[]>(["admin", "list-users", "--search", user.email]);
    expect(users.map((u) => u.email)).toEqual([user.email]);
    expect(users[0]).toMatchObject({ role: "viewer", active: false });
  });

  test("add-user, then a duplicate is refused with the server's 409 message", async () => {
    const email = uniqueEmail("added");
    const user = await daJson<User>(["admin", "add-user", email, "--name", "Ada Added", "--role", "viewer"]);
    expect(user).toMatchObject({ email, name: "Ada Added", role: "viewer", active: true });
    const again = await da(["admin", "add-user", email.toUpperCase()]);
    expectCleanFailure(again, "error:");
    expect(again.stderr).toContain("nothing was changed");
  });

  test("add-user without --role gets the shared default role", async () => {
    const user = await daJson<User>(["admin", "add-user", uniqueEmail("defaultrole")]);
    expect(user.role).toBe(DEFAULT_ROLE);
  });

  test("list-users pages like the API and says when more users match than it shows", async () => {
    await Promise.all([createUser(server, "viewer", "paged"), createUser(server, "viewer", "paged")]);
    const page = await da(["admin", "list-users", "--search", "paged-", "--limit", "1", "--json"]);
    expect(page.code).toBe(0);
    expect(JSON.parse(page.stdout)).toHaveLength(1);
    expect(page.stderr).toMatch(/Showing users 1–1 of \d+; use --limit and --offset/);
    const all = await da(["admin", "list-users", "--search", "paged-"]);
    expect(all.stderr).not.toContain("Showing");
    const bad = await da(["admin", "list-users", "--limit", "ten"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--limit must be a whole number, not "ten"');
  });

  test("add-user --password-stdin gives a password the user can sign in with", async () => {
    const email = uniqueEmail("withpw");
    await daJson<User>(["admin", "add-user", email, "--password-stdin"], "a-good-password\n");
    expect(await sessionToken(server, email, "a-good-password")).toBeTruthy();
  });

  test("set-role by email and by id; an unknown email fails cleanly", async () => {
    const user = await createUser(server, "viewer", "role");
    expect((await daJson<User>(["admin", "set-role", user.email, "km_admin"])).role).toBe("km_admin");
    expect((await daJson<User>(["admin", "set-role", user.id, "analyst"])).role).toBe("analyst");
    expectCleanFailure(await da(["admin", "set-role", "nobody@example.com", "viewer"]), "no user with email nobody@example.com");
  });

  test("deactivate and activate; deactivating yourself is refused", async () => {
    const user = await createUser(server, "analyst", "active");
    expect((await daJson<User>(["admin", "deactivate", user.email])).active).toBe(false);
    expect((await daJson<User>(["admin", "activate", user.email])).active).toBe(true);
    expectCleanFailure(await da(["admin", "deactivate", ADMIN.email]), "Cannot deactivate yourself");
  });

  test("an unknown id is a clean 404", async () => {
    const result = await da(["admin", "activate", "00000000-0000-0000-0000-000000000000"]);
    expectCleanFailure(result, "error:");
    expect(result.stderr).toContain("hint:");
  });

  test("delete-user needs --yes without a terminal; with it the user is gone", async () => {
    const user = await createUser(server, "analyst", "deleted");
    const refused = await da(["admin", "delete-user", user.email]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--yes");
    expect((await daJson<User[]>(["admin", "list-users", "--search", user.email])).length).toBe(1);
    const deleted = await da(["admin", "delete-user", user.email, "--yes"]);
    expect(deleted.code).toBe(0);
    expect((await daJson<User[]>(["admin", "list-users", "--search", user.email])).length).toBe(0);
    expectCleanFailure(await da(["admin", "delete-user", ADMIN.email, "--yes"]), "Cannot delete yourself");
  });

  test("reset-password prints a reset link", async () => {
    const user = await createUser(server, "analyst", "reset");
    const plain = await da(["admin", "reset-password", user.email]);
    expect(plain.code).toBe(0);
    expect(plain.stdout.trim()).toMatch(/^https?:\/\/\S+\/auth\/password\/reset\?token=\S+$/);
    const link = await daJson<ResetLink>(["admin", "reset-password", user.id]);
    expect(Object.keys(link).sort()).toEqual(["email_sent", "reset_token", "reset_url"]);
  });

  test("set-password --password-stdin; a short password gets the server's 400 message", async () => {
    const user = await createUser(server, "analyst", "setpw");
    const ok = await da(["admin", "set-password", user.email, "--password-stdin"], "brand-new-password\n");
    expect(ok.code).toBe(0);
    expect(await sessionToken(server, user.email, "brand-new-password")).toBeTruthy();
    expectCleanFailure(await da(["admin", "set-password", user.email, "--password-stdin"], "short"), "error:");
  });

  test("set-password: the server's minimum length is the shared one", async () => {
    const user = await createUser(server, "analyst", "minpw");
    const tooShort = "x".repeat(MIN_PASSWORD_LENGTH - 1);
    expectCleanFailure(await da(["admin", "set-password", user.email, "--password-stdin"], tooShort), `${MIN_PASSWORD_LENGTH}`);
    const justLongEnough = "y".repeat(MIN_PASSWORD_LENGTH);
    expect((await da(["admin", "set-password", user.email, "--password-stdin"], justLongEnough)).code).toBe(0);
    expect(await sessionToken(server, user.email, justLongEnough)).toBeTruthy();
  });

  test("a non-admin gets a clean 403", async () => {
    const analyst = await createUser(server, "analyst", "lowly");
    const box = sandbox();
    try {
      await daLogin(box, server, analyst.email, analyst.password);
      const result = await runDa(["admin", "list-users"], { env: box.env });
      expectCleanFailure(result, "error:");
      expect(result.stderr).toContain("role");
    } finally {
      box.cleanup();
    }
  });
});

describe("admin tokens", () => {
  test("list shows everyone's tokens with their owner; revoke by id", async () => {
    const user = await createUser(server, "analyst", "tokowner");
    const pat = await createPat(server, await sessionToken(server, user.email, user.password), "their-token");
    const tokens = await daJson<AdminToken[]>(["admin", "tokens", "list"]);
    expect(tokens.find((t) => t.id === pat.id)).toMatchObject({ user_email: user.email, name: "their-token" });
    const table = await da(["admin", "tokens", "list"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^USER\s+NAME/);
    const revoked = await da(["admin", "tokens", "revoke", pat.id]);
    expect(revoked.code).toBe(0);
    const after = await daJson<AdminToken[]>(["admin", "tokens", "list"]);
    const listed = after.find((t) => t.id === pat.id);
    expect(listed).toBeDefined();
    expect(listed!.revoked_at).toEqual(expect.any(String));
    const me = await fetch(`${server.url}/auth/me`, { headers: { authorization: `Bearer ${pat.token}` } });
    expect(me.status).toBe(401);
  });

  test("revoke acts on the id itself, even for a token beyond the first page of the list", async () => {
    const user = await createUser(server, "analyst", "manytokens");
    const session = await sessionToken(server, user.email, user.password);
    const old = await createPat(server, session, "oldest");
    // The list is newest first: a full default page of newer tokens pushes `old` off the first page.
    // They belong to two people, as one person may hold at most 100 active tokens.
    const other = await createUser(server, "analyst", "moretokens");
    const otherSession = await sessionToken(server, other.email, other.password);
    await Promise.all(Array.from({ length: PAGING.defaultLimit }, (_, i) => createPat(server, i % 2 ? session : otherSession, `newer-${i}`)));
    const adminSession = await sessionToken(server, ADMIN.email, ADMIN.password);
    const firstPage = await getJson<AdminToken[]>(server, "/auth/admin/tokens", adminSession);
    expect(firstPage.map((t) => t.id)).not.toContain(old.id);

    const revoked = await da(["admin", "tokens", "revoke", old.id]);
    expect(revoked.stderr).toContain("Revoked");
    expect(revoked.code).toBe(0);
    const me = await fetch(`${server.url}/auth/me`, { headers: { authorization: `Bearer ${old.token}` } });
    expect(me.status).toBe(401);
  });

  test("list filters by user and state, and pages", async () => {
    const user = await createUser(server, "analyst", "filtered");
    const session = await sessionToken(server, user.email, user.password);
    const [kept, gone] = [await createPat(server, session, "kept"), await createPat(server, session, "gone")];
    expect((await da(["admin", "tokens", "revoke", gone.id])).code).toBe(0);
    const revoked = await daJson<AdminToken[]>(["admin", "tokens", "list", "--user", user.email, "--state", "revoked"]);
    expect(revoked.map((t) => t.id)).toEqual([gone.id]);
    const active = await daJson<AdminToken[]>(["admin", "tokens", "list", "--user", user.id, "--state", "active"]);
    expect(active.map((t) => t.id)).toEqual([kept.id]);
    const page = await da(["admin", "tokens", "list", "--user", user.email, "--limit", "1", "--offset", "1", "--json"]);
    expect(JSON.parse(page.stdout).map((t: AdminToken) => t.id)).toEqual([kept.id]);
    expect(page.stderr).toBe("");
    const first = await da(["admin", "tokens", "list", "--user", user.email, "--limit", "1"]);
    expect(first.stderr).toContain("Showing tokens 1–1 of 2");
  });

  test("revoking an unknown id exits 1 saying no such token, with a hint", async () => {
    const result = await da(["admin", "tokens", "revoke", "0123456789abcdef0123456789abcdef"]);
    expectCleanFailure(result, 'no token with id "0123456789abcdef0123456789abcdef"');
    expect(result.stderr).toContain("da admin tokens list");
  });
});
