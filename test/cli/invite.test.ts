// `da admin users invite` with the compiled da against a real server (no SMTP: the link is printed),
// and `da login` for someone whose password an admin set: it says so, points to the browser and
// stores nothing.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { CreatedInvitation, Invitation } from "../../src/shared/contract";
import type { RunningServer } from "../helpers/server";
import { daBinary, hasStackTrace, runDa, sandbox, type Sandbox } from "../helpers/cli";
import { ADMIN, daLogin, getJson, sessionToken, startAgnes, uniqueEmail } from "./fixtures";

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

test("invite --role --json prints the invitation with its link; the table and a revoke follow", async () => {
  const email = uniqueEmail("invited");
  const result = await da(["admin", "users", "invite", email, "--role", "viewer", "--json"]);
  expect(result.code).toBe(0);
  const created = JSON.parse(result.stdout) as CreatedInvitation;
  expect(created).toMatchObject({ email, role: "viewer", state: "pending", email_sent: false });
  expect(created.invite_url).toStartWith(`${server.url}/invite/`);
  expect((await fetch(created.invite_url)).status).toBe(200);

  const plain = await da(["admin", "users", "invite", uniqueEmail("plain")]);
  expect(plain.code).toBe(0);
  expect(plain.stderr).toContain("It was not emailed: pass it on yourself");
  expect(plain.stdout.trim()).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);

  const table = await da(["admin", "users", "invitations"]);
  expect(table.stdout).toContain(email);
  const again = await da(["admin", "users", "invite", email]);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain("already has an open invitation");
  expect(hasStackTrace(again.stderr)).toBe(false);
  const bad = await da(["admin", "users", "invite", uniqueEmail("x"), "--role", "boss"]);
  expect(bad.code).toBe(2);

  expect((await da(["admin", "users", "revoke-invitation", created.id])).code).toBe(0);
  expect((await fetch(created.invite_url)).status).toBe(410);
  const open = await getJson<Invitation[]>(server, "/api/invitations", await sessionToken(server, ADMIN.email, ADMIN.password));
  expect(open.map((i) => i.email)).not.toContain(email);
});

test("da login with a password an admin set says to change it in the browser and stores nothing", async () => {
  const email = uniqueEmail("told");
  const token = await sessionToken(server, ADMIN.email, ADMIN.password);
  const res = await fetch(`${server.url}/api/users`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ email, password: "given-by-admin-1" }),
  });
  expect(res.status).toBe(201);
  const box = sandbox();
  try {
    const login = await runDa(["login", "--server", server.url, "--email", email, "--password-stdin"], { env: box.env, stdin: "given-by-admin-1" });
    expect(login.code).toBe(1);
    expect(login.stderr).toContain("your password was set by an administrator and must be changed");
    expect(login.stderr).toContain(`${server.url}/password/change`);
    expect(hasStackTrace(login.stderr)).toBe(false);
    const whoami = await runDa(["auth", "whoami"], { env: box.env });
    expect(whoami.code).not.toBe(0);
  } finally {
    box.cleanup();
  }
});
