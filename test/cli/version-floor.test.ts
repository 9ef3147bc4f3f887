// The version floor: every response names the oldest da the server serves; an older da stops
// before doing anything (exit 2) except update/version/logout; a newer da on the server is
// mentioned at most once a day on stderr, never in --json output.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { defaultCliMinVersion } from "../../src/config";
import { VERSION } from "../../src/version";
import type { RunningServer } from "../helpers/server";
import { createTestApp } from "../helpers/app";
import { cleanupTempDirs, fakeDist } from "../helpers/dist";
import { cleanupSandboxes, daBinary, runDa, sandbox } from "../helpers/cli";
import { ADMIN, startAgnes } from "./fixtures";

let strict: RunningServer;
let newer: RunningServer;
beforeAll(async () => {
  [strict, newer] = await Promise.all([
    startAgnes({ CLI_MIN_VERSION: "99.0.0" }),
    startAgnes({ CLI_DIST_DIR: fakeDist(["linux-x64"], { version: "99.1.0" }).dir }),
    daBinary(),
  ]);
});
afterAll(async () => {
  cleanupSandboxes();
  cleanupTempDirs();
  await Promise.all([strict?.stop(), newer?.stop()]);
});

test("the default floor is the server's major.minor.0, sent on every response (errors too)", async () => {
  expect(defaultCliMinVersion("1.4.7")).toBe("1.4.0");
  expect(defaultCliMinVersion("2.0.1-rc.1")).toBe("2.0.0");
  const t = await createTestApp();
  for (const path of ["/health", "/api/version", "/no-such-page", "/auth/me"]) {
    expect((await t.handle(path)).headers.get("x-agnes-cli-min-version")).toBe(defaultCliMinVersion(VERSION));
  }
  await t.close();
});

describe("a da older than the floor", () => {
  test("stops with exit 2 before signing in or changing anything", async () => {
    const box = sandbox();
    const res = await runDa(["login", "--server", strict.url, "--email", ADMIN.email, "--password-stdin"], { env: box.env, stdin: `${ADMIN.password}\n` });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("this server needs da ≥ 99.0.0; run `da update`");
    expect(strict.logs()).not.toContain('"path":"/auth/token"');
    const whoami = await runDa(["auth", "whoami", "--server", strict.url], { env: { ...box.env, DA_TOKEN: "x" } });
    expect(whoami.code).toBe(2);
  });

  test("da version, da update and da logout still work", async () => {
    const box = sandbox();
    const env = { ...box.env, DA_SERVER: strict.url };
    const version = await runDa(["version"], { env });
    expect(version.code).toBe(0);
    expect(version.stdout).toContain("server ");
    expect((await runDa(["logout"], { env })).code).toBe(0);
    const update = await runDa(["update"], { env });
    expect(update.stderr).not.toContain("this server needs da");
  });
});

test("a newer da on the server is mentioned once a day on stderr, never in --json output", async () => {
  const box = sandbox();
  const env = { ...box.env, DA_SERVER: newer.url };
  const first = await runDa(["login", "--email", ADMIN.email, "--password-stdin"], { env, stdin: `${ADMIN.password}\n` });
  expect(first.code).toBe(0);
  expect(first.stderr).toContain("a newer da (99.1.0) is available");
  const second = await runDa(["auth", "whoami"], { env });
  expect(second.code).toBe(0);
  expect(second.stderr).not.toContain("newer da");
  const box2 = sandbox();
  const json = await runDa(["auth", "whoami", "--json", "--server", newer.url, "--token", "nope"], { env: box2.env });
  expect(json.stdout + json.stderr).not.toContain("newer da");
});
