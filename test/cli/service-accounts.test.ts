// The service account journey with the compiled `da` against the real server: an admin creates one
// and gives it a token; CI-style `DA_TOKEN=… da query` works; deactivating the account stops the
// token at once; the admin who created it is deleted and the token still works. (Groups are issue
// 23's: on this branch `groups` is always [], so the journey does not add the account to one.)
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunningServer } from "../helpers/server";
import { daBinary, runDa, sandbox, type Sandbox } from "../helpers/cli";
import { ADMIN, createUser, daLogin, startAgnes } from "./fixtures";

let server: RunningServer;
let maker: Sandbox;
let root: Sandbox;
beforeAll(async () => {
  [server] = await Promise.all([startAgnes(), daBinary()]);
  root = sandbox();
  await daLogin(root, server);
  const other = await createUser(server, "admin", "maker");
  maker = sandbox();
  await daLogin(maker, server, other.email, other.password);
  writeFileSync(join(maker.home, "sales.csv"), "region,amount\nnorth,10\nsouth,20\n");
});
afterAll(async () => {
  maker?.cleanup();
  root?.cleanup();
  await server?.stop();
});

test("create, token, CI query, deactivate, reactivate, creator deleted — the token keeps working", async () => {
  const da = (args: string[], env = maker.env) => runDa(args, { env });
  expect((await da(["admin", "datasets", "load", "sales.csv", "--name", "sales"])).code).toBe(0);
  const made = await da(["admin", "service-accounts", "create", "nightly-etl", "--role", "analyst", "--description", "loads sales", "--json"]);
  expect(made.code).toBe(0);
  expect(JSON.parse(made.stdout)).toMatchObject({ name: "nightly-etl", role: "analyst", groups: ["Everyone"], active: true });
  const token = await da(["admin", "service-accounts", "token-create", "nightly-etl", "--scope", "query", "--raw"]);
  expect(token.code).toBe(0);
  const ci = { HOME: sandbox().home, NO_COLOR: "1", DA_SERVER: server.url, DA_TOKEN: token.stdout.trim() };
  expect(await runDa(["query", "SELECT sum(amount) AS total FROM sales"], { env: ci })).toMatchObject({ code: 0, stdout: "total\r\n30\r\n" });
  const outside = await runDa(["sync", "--dir", ci.HOME], { env: ci });
  expect(outside.code).toBe(1);
  expect(outside.stderr).toContain("this token lacks the sync scope");

  expect((await da(["admin", "service-accounts", "deactivate", "nightly-etl"])).code).toBe(0);
  const stopped = await runDa(["query", "SELECT 1"], { env: ci });
  expect(stopped.code).toBe(1);
  expect((await da(["admin", "service-accounts", "activate", "nightly-etl"])).code).toBe(0);
  expect((await runDa(["query", "SELECT 1"], { env: ci })).code).toBe(0);

  const listed = await da(["admin", "service-accounts", "list"]);
  expect(listed.stdout).toMatch(/nightly-etl\s+analyst\s+active\s+1/);
  const makerEmail = JSON.parse((await da(["auth", "whoami", "--json"])).stdout).email as string;
  expect((await runDa(["admin", "delete-user", makerEmail, "--yes"], { env: root.env })).code).toBe(0);
  expect(await runDa(["query", "SELECT count(*) AS n FROM sales"], { env: ci })).toMatchObject({ code: 0, stdout: "n\r\n2\r\n" });
  expect(ADMIN.email).not.toBe(makerEmail);
});
