// `da login`, `da logout`, `da auth whoami|status` against the real server, and where da gets its
// server and credential from (flag > env > file; a .env or bunfig.toml in the cwd has no effect).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Me } from "../../src/shared/contract";
import type { RunningServer } from "../helpers/server";
import { cleanupSandboxes, daBinary, hasStackTrace, runDa, sandbox, storedAccount, type Sandbox } from "../helpers/cli";
import { ADMIN, createPat, createUser, daLogin, sessionToken, startAgnes } from "./fixtures";

let server: RunningServer;
beforeAll(async () => {
  [server] = await Promise.all([startAgnes(), daBinary()]);
});
afterAll(async () => {
  cleanupSandboxes();
  await server?.stop();
});

const credentialsPath = (box: Sandbox) => join(box.configDir, "credentials.json");
const readStored = (box: Sandbox) => storedAccount(box.configDir);

async function whoami(env: Record<string, string>, extra: string[] = [], cwd?: string) {
  const result = await runDa(["auth", "whoami", "--json", ...extra], { env, cwd });
  return { ...result, me: result.code === 0 ? (JSON.parse(result.stdout) as Me & { server: string }) : null };
}

describe("da login", () => {
  test("with --password-stdin stores a session in a 0600 file and the server in config.yml", async () => {
    const box = sandbox();
    await daLogin(box, server);
    expect(statSync(credentialsPath(box)).mode & 0o777).toBe(0o600);
    const stored = readStored(box);
    expect(stored).toMatchObject({ server: server.url, kind: "session", email: ADMIN.email });
    expect(typeof stored.token).toBe("string");
    expect(new Date(stored.expires_at ?? 0).getTime()).toBeGreaterThan(Date.now());
    expect(readFileSync(join(box.configDir, "config.yml"), "utf8")).toContain(`server: ${server.url}`);
    const { code, me } = await whoami(box.env);
    expect(code).toBe(0);
    expect(me).toMatchObject({ email: ADMIN.email, role: "admin", auth: "session", server: server.url });
  });

  test("--json prints who signed in, never the token", async () => {
    const box = sandbox();
    const result = await runDa(["login", "--server", server.url, "--email", ADMIN.email, "--password-stdin", "--json"], {
      env: box.env,
      stdin: `${ADMIN.password}\n`,
    });
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({ server: server.url, email: ADMIN.email, role: "admin", auth: "session" });
    expect(result.stdout).not.toContain(readStored(box).token);
  });

  test("a wrong password exits 1 with the server's message and stores nothing", async () => {
    const box = sandbox();
    const result = await runDa(["login", "--server", server.url, "--email", ADMIN.email, "--password-stdin"], {
      env: box.env,
      stdin: "not-the-password",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: .+/);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(existsSync(credentialsPath(box))).toBe(false);
  });

  test("keeps the other lines of config.yml when it writes the server", async () => {
    const box = sandbox();
    mkdirSync(box.configDir, { recursive: true });
    writeFileSync(join(box.configDir, "config.yml"), "# written by install.sh\nserver: http://old.example:1\neditor: vim\n");
    await daLogin(box, server);
    const config = readFileSync(join(box.configDir, "config.yml"), "utf8");
    expect(config).toBe(`# written by install.sh\nserver: ${server.url}\neditor: vim\n`);
  });

  test("--with-token checks a PAT with the server, then stores it", async () => {
    const box = sandbox();
    const pat = await createPat(server, await sessionToken(server, ADMIN.email, ADMIN.password), "with-token");
    const result = await runDa(["login", "--server", server.url, "--with-token"], { env: box.env, stdin: `${pat.token}\n` });
    expect(result.code).toBe(0);
    expect(readStored(box)).toMatchObject({ server: server.url, token: pat.token, kind: "pat", email: ADMIN.email });
    expect(statSync(credentialsPath(box)).mode & 0o777).toBe(0o600);
    expect((await whoami(box.env)).me?.auth).toBe("pat");
  });

  test("--with-token refuses a token the server rejects and stores nothing", async () => {
    const box = sandbox();
    const result = await runDa(["login", "--server", server.url, "--with-token"], { env: box.env, stdin: "agnes_pat_nope\n" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("rejected");
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(existsSync(credentialsPath(box))).toBe(false);
  });
});

describe("da logout", () => {
  test("ends the session on the server and forgets it locally", async () => {
    const box = sandbox();
    await daLogin(box, server);
    const token = readStored(box).token ?? "";
    const result = await runDa(["logout"], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Signed out");
    expect(existsSync(credentialsPath(box))).toBe(false);
    const me = await fetch(`${server.url}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);
    const after = await whoami(box.env);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain("da login");
  });

  test("with nothing stored is a no-op", async () => {
    const box = sandbox();
    const result = await runDa(["logout"], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Not signed in");
  });
});

describe("da auth status", () => {
  test("lists the stored account under its server, checked with the server", async () => {
    const box = sandbox();
    await daLogin(box, server);
    const result = await runDa(["auth", "status"], { env: box.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${server.url} (current server)`);
    expect(result.stdout).toContain(`✓ Signed in as ${ADMIN.email} (file)`);
    expect(result.stdout).toContain("Active account: true");
    expect(result.stdout).toContain("Signed in with: password (session)");
    expect(result.stdout).toContain("Expires: ");
  });

  test("a stored session that has expired says so", async () => {
    const box = sandbox();
    mkdirSync(box.configDir, { recursive: true });
    const stale = { server: server.url, token: "eyJ.expired.session", kind: "session", email: ADMIN.email, expires_at: "2020-01-01T00:00:00.000Z" };
    writeFileSync(credentialsPath(box), JSON.stringify(stale), { mode: 0o600 });
    const result = await runDa(["auth", "whoami"], { env: { ...box.env, DA_SERVER: server.url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Your session expired — run `da login`");
    expect(hasStackTrace(result.stderr)).toBe(false);
  });
});

describe("resolution order", () => {
  test("credential: --token beats DA_TOKEN beats the stored login", async () => {
    const box = sandbox();
    await daLogin(box, server);
    const [envUser, flagUser] = await Promise.all([createUser(server, "viewer", "env"), createUser(server, "viewer", "flag")]);
    const envToken = await sessionToken(server, envUser.email, envUser.password);
    const flagToken = await sessionToken(server, flagUser.email, flagUser.password);
    expect((await whoami(box.env)).me?.email).toBe(ADMIN.email);
    expect((await whoami({ ...box.env, DA_TOKEN: envToken })).me?.email).toBe(envUser.email);
    expect((await whoami({ ...box.env, DA_TOKEN: envToken }, ["--token", flagToken])).me?.email).toBe(flagUser.email);
  });

  test("server: --server beats DA_SERVER beats config.yml", async () => {
    const box = sandbox();
    await daLogin(box, server);
    const dead = "http://127.0.0.1:9";
    expect((await whoami(box.env)).code).toBe(0);
    const envDead = await whoami({ ...box.env, DA_SERVER: dead });
    expect(envDead.code).toBe(1);
    expect(envDead.stderr).toContain(dead);
    const token = readStored(box).token ?? "";
    const flagWins = await whoami({ ...box.env, DA_SERVER: dead, DA_TOKEN: token }, ["--server", server.url]);
    expect(flagWins.me?.server).toBe(server.url);
  });

  test("the stored credential is only sent to the server it was stored for", async () => {
    const box = sandbox();
    await daLogin(box, server);
    const other = server.url.replace("127.0.0.1", "localhost");
    const result = await whoami({ ...box.env, DA_SERVER: other });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`not signed in to ${other}`);
  });

  test("the config dir: DA_CONFIG_DIR, then XDG_CONFIG_HOME/da, then ~/.config/da", async () => {
    const box = sandbox();
    const xdg = join(box.home, "xdg");
    const custom = join(box.home, "custom");
    await daLogin({ ...box, env: { ...box.env, XDG_CONFIG_HOME: xdg } }, server);
    expect(existsSync(join(xdg, "da", "credentials.json"))).toBe(true);
    await daLogin({ ...box, env: { ...box.env, XDG_CONFIG_HOME: xdg, DA_CONFIG_DIR: custom } }, server);
    expect(existsSync(join(custom, "credentials.json"))).toBe(true);
    expect(existsSync(credentialsPath(box))).toBe(false);
    await daLogin(box, server);
    expect(existsSync(credentialsPath(box))).toBe(true);
  });

  test("a .env or bunfig.toml in the working directory has no effect", async () => {
    const box = sandbox();
    await daLogin(box, server);
    const project = join(box.home, "cloned-repo");
    mkdirSync(project);
    writeFileSync(join(project, ".env"), "DA_SERVER=http://127.0.0.1:9\nDA_TOKEN=agnes_pat_stolen\n");
    const marker = join(project, "preloaded");
    writeFileSync(join(project, "evil.ts"), `require("fs").writeFileSync(${JSON.stringify(marker)}, "x");\n`);
    writeFileSync(join(project, "bunfig.toml"), 'preload = ["./evil.ts"]\n');
    const result = await whoami(box.env, [], project);
    expect(result.code).toBe(0);
    expect(result.me).toMatchObject({ email: ADMIN.email, server: server.url, auth: "session" });
    expect(existsSync(marker)).toBe(false);
  });
});

test("too many failed sign-ins: the server's 429 message and when to retry, no stack", async () => {
  const throttled = await startAgnes();
  const box = sandbox();
  try {
    for (let i = 0; i < 10; i++) {
      const body = JSON.stringify({ email: ADMIN.email, password: `wrong-${i}` });
      await fetch(`${throttled.url}/auth/token`, { method: "POST", headers: { "content-type": "application/json" }, body });
    }
    const result = await runDa(["login", "--server", throttled.url, "--email", ADMIN.email, "--password-stdin"], {
      env: box.env,
      stdin: ADMIN.password,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: .*Too many/i);
    expect(result.stderr).toMatch(/hint: .*\d+ s/);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(existsSync(credentialsPath(box))).toBe(false);
  } finally {
    await throttled.stop();
  }
});
