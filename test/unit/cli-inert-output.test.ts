// Text from another party never drives the terminal `da` prints to: a name an admin or an identity
// provider set, a cell someone uploaded, a column's name in someone's SQL. Control sequences in it
// (clear the screen, retitle the window, OSC 52 to set the clipboard) are shown as `\xNN`; data that
// goes into a pipe or a file stays byte for byte (cli/inert.ts).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestApp, type TestApp } from "../helpers/app";
import { type InProcessOptions, runInProcess } from "../helpers/da-in-process";

const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const CLIPBOARD = "\u001b]52;c;ZXZpbA==\u0007";

let t: TestApp;
let configDir: string;
let admin: string;
beforeAll(async () => {
  t = await createTestApp({ env: { CLI_MIN_VERSION: "0.0.0-dev" } });
  admin = await t.login();
  configDir = mkdtempSync(join(tmpdir(), "da-inert-"));
});
afterAll(async () => {
  await t.close();
  rmSync(configDir, { recursive: true, force: true });
});

const da = (argv: string[], opts: InProcessOptions = {}) => runInProcess(t, configDir, argv, opts);

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
