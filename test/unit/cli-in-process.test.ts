// `da` commands run in process: main(argv, system) with the system a test builds (an in-memory
// stdout and stderr, a fake prompter, and a `fetch` that hands each request to the server's app), so
// a command's flags, output, prompts and exit codes are checked without compiling a binary. The
// compiled `da` stays covered end to end by test/cli/*.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestApp, type TestApp } from "../helpers/app";
import { type InProcessOptions, runInProcess } from "../helpers/da-in-process";

let t: TestApp;
let configDir: string;
let admin: string;
beforeAll(async () => {
  // In process, `da` is the uncompiled source, version 0.0.0-dev: the server must accept it.
  t = await createTestApp({ env: { CLI_MIN_VERSION: "0.0.0-dev" } });
  admin = await t.login();
  configDir = mkdtempSync(join(tmpdir(), "da-in-process-"));
});
afterAll(async () => {
  await t.close();
  rmSync(configDir, { recursive: true, force: true });
});

/** One `da` run against the in-process server, as a script (no terminal) or at a terminal with `answers`. */
const da = (argv: string[], opts: InProcessOptions = {}) => runInProcess(t, configDir, argv, opts);

test("auth whoami --json names the token's owner and how it authenticated", async () => {
  const res = await da(["auth", "whoami", "--json"], { token: admin });
  expect(res.code).toBe(0);
  expect(JSON.parse(res.stdout)).toMatchObject({ email: "admin@example.com", role: "admin", auth: "session" });
});

test("a token made with --raw prints only the token, and it works", async () => {
  const res = await da(["auth", "token", "create", "--name", "ci", "--ttl", "30d", "--raw"], { token: admin });
  expect(res.code).toBe(0);
  const pat = res.stdout.trim();
  expect(pat).toMatch(/^agnes_pat_\S+$/);
  expect((await da(["auth", "whoami", "--json"], { token: pat })).stdout).toContain('"auth": "pat"');
});

test("usage errors exit 2 with one error line and a hint; a refused token exits 1 with the server's reason", async () => {
  const usage = await da(["admin", "set-role", "someone@example.com"], { token: admin });
  expect(usage.code).toBe(2);
  expect(usage.stderr).toStartWith("error: missing argument");
  expect(usage.stderr).toContain("hint:");
  const refused = await da(["auth", "whoami"], { token: "agnes_pat_not-a-real-token" });
  expect(refused.code).toBe(1);
  expect(refused.stderr).not.toContain("    at ");
});

test("delete-user asks at a terminal and does nothing when the answer is no; without a terminal it needs --yes", async () => {
  const id = await t.createUser("bea@example.com", "bea-password-1", "viewer");
  const declined = await da(["admin", "delete-user", "bea@example.com"], { token: admin, answers: [false] });
  expect(declined.asked.join()).toContain("Delete");
  expect((await t.api("GET", `/api/users/${id}`, { token: admin })).status).toBe(200);
  const scripted = await da(["admin", "delete-user", "bea@example.com"], { token: admin });
  expect(scripted.code).toBe(2);
  expect(scripted.stderr).toContain("--yes");
  const confirmed = await da(["admin", "delete-user", "bea@example.com"], { token: admin, answers: [true] });
  expect(confirmed.code).toBe(0);
  expect((await t.api("GET", `/api/users/${id}`, { token: admin })).status).toBe(404);
});

test("set-password reads the new password from stdin in a script", async () => {
  await t.createUser("cal@example.com", "cal-password-1", "viewer");
  const res = await da(["admin", "set-password", "cal@example.com", "--password-stdin"], { token: admin, stdin: "cal-password-2\n" });
  expect(res.code).toBe(0);
  expect(await t.login("cal@example.com", "cal-password-2")).toBeString();
});

test("token create --scope, repeated: the token has those scopes; an unknown one is the server's 400 naming it", async () => {
  const res = await da(["auth", "token", "create", "--name", "sync", "--scope", "sync", "--scope", "profile:read", "--json"], { token: admin });
  expect(res.code).toBe(0);
  expect(JSON.parse(res.stdout).scopes).toEqual(["profile:read", "sync"]);
  const bad = await da(["auth", "token", "create", "--name", "x", "--scope", "nope"], { token: admin });
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('Unknown scope "nope"');
});

test("token create at a terminal asks for the scopes with query + sync + profile:read preselected", async () => {
  const res = await da(["auth", "token", "create", "--name", "picked", "--ttl", "7d", "--json"], { token: admin, answers: [] });
  expect(res.code).toBe(0);
  expect(res.asked).toContain("preselected query,sync,profile:read");
  expect(JSON.parse(res.stdout).scopes).toEqual(["profile:read", "query", "sync"]);
});

test("token rotate NAME prints the new secret; both work during the grace period", async () => {
  const made = JSON.parse((await da(["auth", "token", "create", "--name", "to-rotate", "--scope", "profile:read", "--json"], { token: admin })).stdout);
  const res = await da(["auth", "token", "rotate", "to-rotate", "--raw"], { token: admin });
  expect(res.code).toBe(0);
  const fresh = res.stdout.trim();
  expect(fresh).toMatch(/^agnes_pat_/);
  expect(fresh).not.toBe(made.token);
  for (const token of [made.token, fresh]) expect((await da(["auth", "whoami", "--json"], { token })).code).toBe(0);
});

test("a token that expires within 7 days: one warning line on stderr a day, never with --json", async () => {
  const made = JSON.parse(
    (await da(["auth", "token", "create", "--name", "short", "--ttl", "3d", "--scope", "profile:read", "--json"], { token: admin })).stdout,
  );
  const asJson = await da(["auth", "whoami", "--json"], { token: made.token });
  expect(asJson.code).toBe(0);
  expect(asJson.stderr).toBe("");
  const first = await da(["auth", "whoami"], { token: made.token });
  expect(first.stderr).toMatch(/^warning: this token expires in 3 day\(s\), at \S+: rotate it/m);
  expect(first.stderr.match(/warning:/g)?.length).toBe(1);
  expect((await da(["auth", "whoami"], { token: made.token })).stderr).not.toContain("warning:");
  const long = JSON.parse((await da(["auth", "token", "create", "--name", "long", "--ttl", "30d", "--json"], { token: admin })).stdout);
  const res = await t.api("GET", "/auth/me", { token: long.token });
  expect(res.headers.get("x-agnes-token-expires")).toBeNull();
  const near = await t.api("GET", "/auth/me", { token: made.token });
  expect(near.headers.get("x-agnes-token-expires")).toBe(made.expires_at);
});

// Text from another party never drives the terminal `da` prints to: a name an admin or an identity
// provider set, a cell someone uploaded, a column's name in someone's SQL. Control sequences in it
// (clear the screen, retitle the window, OSC 52 to set the clipboard) are shown as `\xNN`; data that
// goes into a pipe or a file stays byte for byte (cli/inert.ts).
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const CLIPBOARD = "\u001b]52;c;ZXZpbA==\u0007";

test("a name set for someone with control sequences in it is printed inert, and in --json too", async () => {
  await t.createUser("eve@example.com", "eve-password-1", "analyst", `Eve${CLIPBOARD}\u001b[2J\u009b31m`);
  const eve = await t.login("eve@example.com", "eve-password-1");
  const shown = await da(["auth", "whoami"], { token: eve, stdoutTty: true });
  expect(shown.code).toBe(0);
  expect(shown.stdout).toContain("Eve\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J\\x9b31m");
  expect(RAW_CONTROL.test(shown.stdout)).toBe(false);
  const json = await da(["auth", "whoami", "--json"], { token: eve });
  expect(JSON.parse(json.stdout).name).toBe("Eve\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J\\x9b31m");
});

const SQL = `SELECT 'a' || chr(27) || '[2J' || chr(10) || 'b' AS cell, 1 AS "h${"\u001b"}]0;title${"\u0007"}"`;

test("a query's cells and column names are inert in a table on a terminal", async () => {
  const table = await da(["query", SQL], { token: admin, stdoutTty: true });
  expect(table.code).toBe(0);
  expect(table.stdout).toContain("a\\x1b[2J\\x0ab");
  expect(table.stdout).toContain("h\\x1b]0;title\\x07");
  expect(RAW_CONTROL.test(table.stdout)).toBe(false);
  const csvOnTerminal = await da(["query", SQL, "--format", "csv"], { token: admin, stdoutTty: true });
  expect(csvOnTerminal.stdout).toContain("a\\x1b[2J");
  expect(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(csvOnTerminal.stdout.replaceAll("\r\n", ""))).toBe(false);
});

test("into a pipe the same query's CSV and JSON are byte for byte", async () => {
  const csv = await da(["query", SQL], { token: admin });
  expect(csv.code).toBe(0);
  expect(csv.stdout).toContain("a\u001b[2J\nb");
  expect(csv.stdout).toContain("h\u001b]0;title\u0007");
  const json = JSON.parse((await da(["query", SQL, "--format", "json"], { token: admin })).stdout) as { rows: unknown[][] };
  expect(json.rows[0]![0]).toBe("a\u001b[2J\nb");
});
