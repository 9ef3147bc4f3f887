// Several servers and accounts, as `gh` keeps them: `da auth status` (exit codes), `da auth token`,
// `da auth switch`, a second `da login`, `--server` picking the stored account, the move from the
// one-credential file, and the cause named when a credential is rejected.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunningServer } from "../helpers/server";
import { cleanupSandboxes, daBinary, runDa, sandbox, storedAccount } from "../helpers/cli";
import { ADMIN, createPat, createUser, daLogin, sessionToken, startAgnes } from "./fixtures";

let one: RunningServer;
let two: RunningServer;
beforeAll(async () => {
  [one, two] = await Promise.all([startAgnes(), startAgnes(), daBinary()]);
});
afterAll(async () => {
  cleanupSandboxes();
  await Promise.all([one?.stop(), two?.stop()]);
});

type Status = {
  signed_in: boolean;
  servers: { server: string; current: boolean; accounts: { email: string; active: boolean; state: string; method: string | null }[] }[];
};
const status = async (env: Record<string, string>, extra: string[] = []) => {
  const result = await runDa(["auth", "status", "--json", ...extra], { env });
  return { code: result.code, body: JSON.parse(result.stdout) as Status };
};

describe("da auth token", () => {
  test("prints the active account's credential alone on stdout, and exits 1 when there is none", async () => {
    const box = sandbox();
    expect((await runDa(["auth", "token"], { env: box.env })).code).toBe(1);
    await daLogin(box, one);
    const result = await runDa(["auth", "token"], { env: box.env });
    expect(result.code).toBe(0);
    const token = result.stdout.trim();
    expect(result.stdout).toBe(`${token}\n`);
    expect((await fetch(`${one.url}/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    // DA_TOKEN wins, as for every command.
    expect((await runDa(["auth", "token"], { env: { ...box.env, DA_TOKEN: "agnes_pat_x" } })).stdout).toBe("agnes_pat_x\n");
    expect((await runDa(["auth", "token", "list", "--json"], { env: box.env })).code).toBe(0);
  });
});

describe("da auth status", () => {
  test("exit 1 with nothing stored, 0 signed in, 1 once the credential is rejected", async () => {
    const box = sandbox();
    const none = await runDa(["auth", "status"], { env: box.env });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("error: not signed in to any Agnes server");
    await daLogin(box, one);
    expect((await status(box.env)).code).toBe(0);
    const token = (await runDa(["auth", "token"], { env: box.env })).stdout.trim();
    await fetch(`${one.url}/logout`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    const after = await status(box.env);
    expect(after.code).toBe(1);
    expect(after.body.servers[0]!.accounts[0]).toMatchObject({ email: ADMIN.email, state: "rejected", active: true });
  });
});

describe("two servers and two accounts", () => {
  test("each login is kept; --server picks the stored account; switch changes the active one", async () => {
    const box = sandbox();
    const user = await createUser(one, "viewer", "second");
    await daLogin(box, one);
    await daLogin(box, two);
    // A script's second login on the same server goes ahead, keeps the first and says how to go back.
    const again = await runDa(["login", "--server", one.url, "--email", user.email, "--password-stdin"], { env: box.env, stdin: user.password });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`${ADMIN.email} stays stored for ${one.url}: \`da auth switch\``);
    const { body } = await status(box.env);
    expect(body.servers.map((s) => s.server).sort()).toEqual([one.url, two.url].sort());
    const first = body.servers.find((s) => s.server === one.url)!;
    expect(first.current).toBe(true);
    expect(first.accounts.map((a) => [a.email, a.active, a.state, a.method])).toEqual([
      [ADMIN.email, false, "ok", "password"],
      [user.email, true, "ok", "password"],
    ]);
    const whoami = async (extra: string[] = []) => JSON.parse((await runDa(["auth", "whoami", "--json", ...extra], { env: box.env })).stdout).email;
    expect(await whoami()).toBe(user.email);
    expect(await whoami(["--server", two.url])).toBe(ADMIN.email);
    // Two accounts on the current server: switch takes the other one, without asking.
    const switched = await runDa(["auth", "switch", "--server", one.url], { env: box.env });
    expect(switched.code).toBe(0);
    expect(switched.stderr).toContain(`Switched to ${ADMIN.email} on ${one.url}`);
    expect(await whoami()).toBe(ADMIN.email);
    // Three accounts in all and no terminal: say which.
    const ambiguous = await runDa(["auth", "switch"], { env: box.env });
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain("hint: pick one with --server and --user");
    expect((await runDa(["auth", "switch", "--server", two.url], { env: box.env })).code).toBe(0);
    expect(readFileSync(join(box.configDir, "config.yml"), "utf8")).toContain(`server: ${two.url}`);
    expect(await whoami()).toBe(ADMIN.email);
    // Logout forgets one account; the other on that server becomes active.
    const out = await runDa(["logout", "--server", one.url, "--json"], { env: box.env });
    expect(JSON.parse(out.stdout)).toMatchObject({ signed_out: true, email: ADMIN.email, active: user.email });
    expect(await whoami(["--server", one.url])).toBe(user.email);
  });

  test("a credentials file from an older da is read as one account and rewritten on the next login", async () => {
    const box = sandbox();
    const token = await sessionToken(one, ADMIN.email, ADMIN.password);
    mkdirSync(box.configDir, { recursive: true });
    const old = { server: one.url, token, kind: "session", email: ADMIN.email, expires_at: null };
    writeFileSync(join(box.configDir, "credentials.json"), JSON.stringify(old), { mode: 0o600 });
    expect((await runDa(["auth", "token"], { env: box.env })).stdout).toBe(`${token}\n`);
    const { code, body } = await status(box.env);
    expect(code).toBe(0);
    expect(body.servers[0]!.accounts[0]).toMatchObject({ email: ADMIN.email, active: true, state: "ok" });
    await daLogin(box, two);
    expect(storedAccount(box.configDir, one.url)).toMatchObject({ email: ADMIN.email, token, stored_in: "file" });
    expect(storedAccount(box.configDir, two.url)).toMatchObject({ email: ADMIN.email, kind: "session" });
  });
});

describe("a rejected credential names its cause", () => {
  test("a revoked personal access token is called that, not an expired session", async () => {
    const session = await sessionToken(one, ADMIN.email, ADMIN.password);
    const pat = await createPat(one, session, "to-revoke");
    await fetch(`${one.url}/auth/tokens/${pat.id}`, { method: "DELETE", headers: { authorization: `Bearer ${session}` } });
    const box = sandbox();
    const result = await runDa(["auth", "whoami"], { env: { ...box.env, DA_SERVER: one.url, DA_TOKEN: pat.token } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: ${one.url} rejected the DA_TOKEN personal access token: it is revoked, expired or unknown there`);
    expect(result.stderr).not.toContain("Not signed in, or the session has expired");
  });
});
