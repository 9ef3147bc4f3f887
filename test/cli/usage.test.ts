// The compiled `da` without a server: help, usage errors (exit 2), version, config resolution,
// and clean messages when the server is down.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupSandboxes, daBinary, hasStackTrace, runDa, sandbox } from "../helpers/cli";

beforeAll(async () => {
  await daBinary();
});
afterAll(cleanupSandboxes);

/** A loopback URL where nothing listens: connection refused at once. */
async function deadServerUrl(): Promise<string> {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
  const url = `http://127.0.0.1:${server.port}`;
  await server.stop(true);
  return url;
}

describe("help", () => {
  const groups = [[], ["auth"], ["auth", "token"], ["admin"], ["admin", "tokens"]];
  const commands = [
    ["login"],
    ["logout"],
    ["auth", "whoami"],
    ["auth", "status"],
    ["auth", "token", "create"],
    ["auth", "token", "list"],
    ["auth", "token", "revoke"],
    ["admin", "list-users"],
    ["admin", "add-user"],
    ["admin", "set-role"],
    ["admin", "activate"],
    ["admin", "deactivate"],
    ["admin", "delete-user"],
    ["admin", "reset-password"],
    ["admin", "set-password"],
    ["admin", "tokens", "list"],
    ["admin", "tokens", "revoke"],
    ["version"],
    ["update"],
  ];

  test("--help works on every group and command, exit 0, on stdout", async () => {
    const box = sandbox();
    for (const path of [...groups, ...commands]) {
      const result = await runDa([...path, "--help"], { env: box.env });
      expect(result.code, path.join(" ")).toBe(0);
      expect(result.stdout).toContain(`Usage: ${["da", ...path].join(" ")}`);
      expect(result.stderr).toBe("");
    }
  });

  test("the root help lists every command", async () => {
    const box = sandbox();
    const { stdout } = await runDa(["--help"], { env: box.env });
    for (const name of ["login", "logout", "auth", "admin", "version", "update"]) expect(stdout).toContain(name);
  });
});

describe("usage errors exit 2 with a hint", () => {
  const cases: [string, string[], string][] = [
    ["unknown command", ["frobnicate"], 'unknown command "frobnicate"'],
    ["unknown subcommand", ["auth", "token", "burn"], 'unknown command "auth token burn"'],
    ["unknown flag", ["auth", "whoami", "--bogus"], "unknown flag --bogus"],
    ["missing argument", ["admin", "set-role", "someone@example.com"], "missing argument"],
    ["extra argument", ["logout", "now"], 'unexpected argument "now"'],
    ["flag without its value", ["auth", "token", "create", "--name"], "--name needs a value"],
    ["bad --ttl", ["auth", "token", "create", "--name", "x", "--ttl", "5y"], "--ttl must be"],
    ["zero --ttl", ["auth", "token", "create", "--name", "x", "--ttl", "0d"], "--ttl must be"],
    ["unknown role", ["admin", "set-role", "a@example.com", "overlord"], 'unknown role "overlord"'],
    ["missing group command", ["admin"], "Usage: da admin <command>"],
  ];
  for (const [name, args, message] of cases) {
    test(name, async () => {
      const box = sandbox();
      const result = await runDa(args, { env: { ...box.env, DA_SERVER: "http://127.0.0.1:9" } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(hasStackTrace(result.stderr)).toBe(false);
    });
  }

  // Flags are checked before anything else runs: each case names the flag and points to the
  // command's --help (DA_SERVER is a dead port, so nothing here may reach a server).
  const flagCases: [string, string[], string, string][] = [
    ["unknown flag named like an object property", ["auth", "whoami", "--constructor"], "unknown flag --constructor", "da auth whoami"],
    ["unknown short flag", ["admin", "list-users", "-q"], "unknown flag -q", "da admin list-users"],
    ["unknown flag before the command", ["auth", "--bogus", "whoami"], "unknown flag --bogus", "da auth whoami"],
    ["a flag of another command", ["auth", "whoami", "--ttl", "7d"], "unknown flag --ttl", "da auth whoami"],
    ["unknown flag on a group", ["admin", "--bogus"], "unknown flag --bogus", "da admin"],
    ["flag whose value is the next flag", ["auth", "token", "create", "--name", "--raw"], "--name needs a value", "da auth token create"],
    ["switch given a value", ["auth", "whoami", "--json=yes"], "--json takes no value", "da auth whoami"],
    ["bad --status", ["admin", "list-users", "--status", "gone"], '--status must be one of active, deactivated, not "gone"', "da admin list-users"],
    ["bad --role", ["admin", "add-user", "a@example.com", "--role=overlord"], "--role must be one of viewer, analyst, km_admin, admin", "da admin add-user"],
    ["bad --state", ["admin", "tokens", "list", "--state", "stale"], "--state must be one of active, revoked, expired, all", "da admin tokens list"],
  ];
  for (const [name, args, message, command] of flagCases) {
    test(`${name}: names the flag, points to --help`, async () => {
      const box = sandbox();
      const result = await runDa(args, { env: { ...box.env, DA_SERVER: "http://127.0.0.1:9" } });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(`error: ${message}`);
      expect(result.stderr).toContain(`hint: run \`${command} --help\``);
      expect(hasStackTrace(result.stderr)).toBe(false);
    });
  }

  test("missing input without a terminal is a usage error, not a prompt", async () => {
    const box = sandbox();
    const env = { ...box.env, DA_SERVER: "http://127.0.0.1:9" };
    const login = await runDa(["login"], { env });
    expect(login.code).toBe(2);
    for (const flag of ["--web", "--device", "--password-stdin", "--with-token"]) expect(login.stderr).toContain(flag);
    const noPassword = await runDa(["login", "--email", "a@example.com"], { env });
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain("--password-stdin");
    const noEmail = await runDa(["login", "--password-stdin"], { env, stdin: "pw" });
    expect(noEmail.code).toBe(2);
    expect(noEmail.stderr).toContain("missing --email");
    const two = await runDa(["login", "--web", "--device"], { env });
    expect(two.code).toBe(2);
    expect(two.stderr).toContain("choose one of --web, --device");
    const create = await runDa(["auth", "token", "create"], { env });
    expect(create.code).toBe(2);
    expect(create.stderr).toContain("--name");
    const setPassword = await runDa(["admin", "set-password", "a@example.com"], { env });
    expect(setPassword.code).toBe(2);
  });

  test("a server URL that is not one is a usage error", async () => {
    const box = sandbox();
    const result = await runDa(["auth", "whoami", "--server", "ftp://example.com"], { env: box.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("not a server URL");
  });

  test("a command that needs a server says how to configure one", async () => {
    const box = sandbox();
    const result = await runDa(["admin", "list-users"], { env: box.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no server configured");
    expect(result.stderr).toContain("da login");
  });
});

describe("version", () => {
  test("--version prints the baked-in version and commit; offline when no server is configured", async () => {
    const box = sandbox();
    const pkg = JSON.parse(readFileSync(join(import.meta.dir, "../../package.json"), "utf8"));
    const result = await runDa(["--version"], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^da ${pkg.version.replaceAll(".", "\\.")} \\((unknown|[0-9a-f]{7,40})\\)\\n$`));
    expect(result.stderr).toContain("No server configured");
  });

  test("--version, like `da version`, also shows the server's version and warns when they differ", async () => {
    const box = sandbox();
    const paths: string[] = [];
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req) => {
        paths.push(new URL(req.url).pathname);
        return new URL(req.url).pathname === "/api/version" ? Response.json({ version: "7.7.7", commit: "abcdef1" }) : new Response("{}", { status: 404 });
      },
    });
    const result = await runDa(["--version"], { env: { ...box.env, DA_SERVER: `http://127.0.0.1:${server.port}` } });
    await server.stop(true);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("server 7.7.7 (abcdef1)");
    expect(result.stderr).toContain("differ");
    expect(paths).toContain("/api/version");
  });
});

describe("server down", () => {
  const commands = [
    ["auth", "whoami"],
    ["auth", "token", "list"],
    ["auth", "token", "create", "--name", "x", "--ttl", "7d"],
    ["admin", "list-users"],
    ["admin", "tokens", "list"],
    ["update"],
  ];
  test("every command fails with one clean line and exit 1", async () => {
    const box = sandbox();
    const env = { ...box.env, DA_SERVER: await deadServerUrl(), DA_TOKEN: "agnes_pat_whatever" };
    for (const args of commands) {
      const result = await runDa(args, { env });
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr).toContain("cannot reach");
      expect(hasStackTrace(result.stderr)).toBe(false);
    }
  });

  test("a server that accepts the connection but never answers: a clean timeout after DA_TIMEOUT seconds", async () => {
    const box = sandbox();
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const env = { ...box.env, DA_SERVER: `http://127.0.0.1:${silent.port}`, DA_TOKEN: "agnes_pat_whatever", DA_TIMEOUT: "0.5" };
      for (const args of [
        ["auth", "whoami"],
        ["admin", "list-users"],
      ]) {
        const result = await runDa(args, { env });
        expect(result.code, args.join(" ")).toBe(1);
        expect(result.stderr).toContain("did not answer within 0.5 s");
        expect(hasStackTrace(result.stderr)).toBe(false);
      }
    } finally {
      silent.stop(true);
    }
  });

  test("a DA_TIMEOUT that is not a number of seconds is a usage error", async () => {
    const box = sandbox();
    const result = await runDa(["auth", "whoami"], {
      env: { ...box.env, DA_SERVER: await deadServerUrl(), DA_TOKEN: "agnes_pat_whatever", DA_TIMEOUT: "soon" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("DA_TIMEOUT");
    expect(hasStackTrace(result.stderr)).toBe(false);
  });

  test("login with the server down fails cleanly and stores nothing", async () => {
    const box = sandbox();
    const result = await runDa(["login", "--server", await deadServerUrl(), "--email", "a@example.com", "--password-stdin"], {
      env: box.env,
      stdin: "pw\n",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("cannot reach");
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(() => readFileSync(join(box.configDir, "credentials.json"))).toThrow();
  });

  test("da version still prints the CLI's version when the server is down", async () => {
    const box = sandbox();
    const result = await runDa(["version"], { env: { ...box.env, DA_SERVER: await deadServerUrl() } });
    expect(result.code).toBe(0);
    expect(result.stdout).toStartWith("da ");
    expect(result.stderr).toContain("not reachable");
  });

  test("logout forgets the stored credential even when the server is unreachable", async () => {
    const box = sandbox();
    const server = await deadServerUrl();
    mkdirSync(box.configDir, { recursive: true });
    const credential = { server, token: "x.y.z", kind: "session", email: "a@example.com", expires_at: null };
    writeFileSync(join(box.configDir, "credentials.json"), JSON.stringify(credential), { mode: 0o600 });
    const result = await runDa(["logout"], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("could not reach");
    expect(() => readFileSync(join(box.configDir, "credentials.json"))).toThrow();
  });
});

describe("not signed in", () => {
  test("whoami exits 1 and says to log in", async () => {
    const box = sandbox();
    const result = await runDa(["auth", "whoami", "--json"], { env: box.env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("da login");
  });
});
