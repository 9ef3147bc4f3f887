// `da auth token create|list|revoke` against the real server, and the CI journey:
// password login → PAT → use it via DA_TOKEN → revoke → the PAT stops working.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DEFAULT_TOKEN_LIFETIME_DAYS, type CreatedToken, type Token } from "../../src/shared/contract";
import type { RunningServer } from "../helpers/server";
import { cleanupSandboxes, daBinary, hasStackTrace, runDa, sandbox } from "../helpers/cli";
import { createUser, daLogin, startAgnes } from "./fixtures";

let server: RunningServer;
beforeAll(async () => {
  [server] = await Promise.all([startAgnes(), daBinary()]);
});
afterAll(async () => {
  cleanupSandboxes();
  await server?.stop();
});

/** A fresh sandbox signed in as a fresh analyst, so token lists start empty. */
async function signedInAnalyst() {
  const box = sandbox();
  const user = await createUser(server, "analyst", "tokens");
  await daLogin(box, server, user.email, user.password);
  return box;
}

async function listTokens(env: Record<string, string>): Promise<Token[]> {
  const result = await runDa(["auth", "token", "list", "--json"], { env });
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe("da auth token create", () => {
  test("--json returns the API's fields, once with the raw token", async () => {
    const box = await signedInAnalyst();
    const result = await runDa(["auth", "token", "create", "--name", "laptop", "--ttl", "7d", "--json"], { env: box.env });
    expect(result.code).toBe(0);
    const created: CreatedToken = JSON.parse(result.stdout);
    expect(Object.keys(created).sort()).toEqual(["allowed_cidrs", "created_at", "expires_at", "id", "name", "prefix", "scopes", "token"]);
    expect(created.name).toBe("laptop");
    const days = (new Date(created.expires_at!).getTime() - new Date(created.created_at).getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(7);
  });

  test("--ttl never makes a token that does not expire; a plain create prints the token on stdout", async () => {
    const box = await signedInAnalyst();
    const result = await runDa(["auth", "token", "create", "--name", "forever", "--ttl", "never"], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\S+$/);
    expect(result.stderr).toContain("shown only once");
    const [token] = await listTokens(box.env);
    expect(token).toMatchObject({ name: "forever", expires_at: null });
  });

  test("without --ttl and without a terminal, the server's default lifetime applies", async () => {
    const box = await signedInAnalyst();
    const result = await runDa(["auth", "token", "create", "--name", "default", "--json"], { env: box.env });
    const created: CreatedToken = JSON.parse(result.stdout);
    const days = (new Date(created.expires_at!).getTime() - new Date(created.created_at).getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(DEFAULT_TOKEN_LIFETIME_DAYS);
  });

  describe("on a server with PAT_MAX_DAYS=30", () => {
    let limited: RunningServer;
    beforeAll(async () => {
      limited = await startAgnes({ PAT_MAX_DAYS: "30" });
    });
    afterAll(() => limited?.stop());

    test("a longer --ttl is refused with the server's message", async () => {
      const box = sandbox();
      await daLogin(box, limited);
      const result = await runDa(["auth", "token", "create", "--name", "long", "--ttl", "365d"], { env: box.env });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("30");
      expect(hasStackTrace(result.stderr)).toBe(false);
    });

    test("without --ttl the server's default applies (capped at its limit), not a lifetime da picked", async () => {
      const box = sandbox();
      await daLogin(box, limited);
      const result = await runDa(["auth", "token", "create", "--name", "default", "--json"], { env: box.env });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const created: CreatedToken = JSON.parse(result.stdout);
      const days = (new Date(created.expires_at!).getTime() - new Date(created.created_at).getTime()) / 86_400_000;
      expect(Math.round(days)).toBe(30);
    });
  });
});

describe("da auth token list / revoke", () => {
  test("list shows a table; revoke by name, prefix and id", async () => {
    const box = await signedInAnalyst();
    for (const name of ["alpha", "beta", "gamma"]) {
      expect((await runDa(["auth", "token", "create", "--name", name, "--ttl", "30d"], { env: box.env })).code).toBe(0);
    }
    const table = await runDa(["auth", "token", "list"], { env: box.env });
    expect(table.stdout.split("\n")[0]).toMatch(/^NAME\s+PREFIX\s+STATUS/);
    for (const name of ["alpha", "beta", "gamma"]) expect(table.stdout).toContain(name);
    const tokens = await listTokens(box.env);
    const byName = (name: string) => tokens.find((t) => t.name === name)!;
    for (const ref of ["alpha", byName("beta").prefix, byName("gamma").id]) {
      const result = await runDa(["auth", "token", "revoke", ref], { env: box.env });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("Revoked");
    }
    const after = await listTokens(box.env);
    expect(after.map((t) => t.name).sort()).toEqual(["alpha", "beta", "gamma"]);
    expect(after.filter((t) => t.revoked_at === null)).toEqual([]);
  });

  test("revoking something that does not exist exits 1 with a hint", async () => {
    const box = await signedInAnalyst();
    const result = await runDa(["auth", "token", "revoke", "no-such-token"], { env: box.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no token matches "no-such-token"');
    expect(result.stderr).toContain("da auth token list");
  });

  test("with a PAT the token commands say they need a session", async () => {
    const box = await signedInAnalyst();
    const pat = (await runDa(["auth", "token", "create", "--name", "ci", "--raw"], { env: box.env })).stdout.trim();
    for (const args of [["list"], ["create", "--name", "x"], ["revoke", "ci"]]) {
      const result = await runDa(["auth", "token", ...args], { env: { ...box.env, DA_TOKEN: pat } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("this command needs a session from `da login`; a personal access token cannot manage tokens");
    }
  });
});

test("CI journey: login, create a PAT, use it, revoke it, it stops working", async () => {
  const box = sandbox();
  const user = await createUser(server, "analyst", "ci");
  const login = await runDa(["login", "--server", server.url, "--email", user.email, "--password-stdin"], {
    env: box.env,
    stdin: user.password,
  });
  expect(login.code).toBe(0);
  const created = await runDa(["auth", "token", "create", "--name", "ci", "--ttl", "30d", "--raw"], { env: box.env });
  expect(created.code).toBe(0);
  const pat = created.stdout.trim();
  expect(created.stdout).toBe(`${pat}\n`);

  const ciEnv = { PATH: process.env.PATH!, HOME: box.home, DA_SERVER: server.url, DA_TOKEN: pat };
  const whoami = await runDa(["auth", "whoami", "--json"], { env: ciEnv });
  expect(whoami.code).toBe(0);
  expect(JSON.parse(whoami.stdout)).toMatchObject({ email: user.email, auth: "pat" });

  const revoke = await runDa(["auth", "token", "revoke", "ci"], { env: box.env });
  expect(revoke.code).toBe(0);

  const after = await runDa(["auth", "whoami", "--json"], { env: ciEnv });
  expect(after.code).toBe(1);
  expect(after.stdout).toBe("");
  expect(after.stderr).toContain("DA_TOKEN");
  expect(after.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
  expect(hasStackTrace(after.stderr)).toBe(false);
});
