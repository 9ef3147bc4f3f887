// The whole loop on the real server: load → backup while writes continue → wipe → restore → start.
// Every write acknowledged before the backup began is there; passwords, PATs and `da` with an
// existing PAT work against the restored server; sessions from before work only once the operator
// brings back the session key they kept (a backup never holds it).
import { afterAll, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../helpers/server";
import { cleanupSandboxes, runDa, sandbox } from "../helpers/cli";
import { call, runServerCommand, signIn } from "../helpers/ops";

const ADMIN = { AGNES_ADMIN_EMAIL: "root@example.com", AGNES_ADMIN_PASSWORD: "root-password-1" };
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "agnes-restore-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  cleanupSandboxes();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Creates users one after another until stopped; returns the emails the server acknowledged, in order. */
function writer(url: string, token: string) {
  const acked: string[] = [];
  let stop = false;
  const done = (async () => {
    for (let i = 0; i < 5_000 && !stop; i++) {
      const email = `w${i}@example.com`;
      const res = await call(url, "POST", "/api/users", { token, body: { email, role: "viewer" } });
      if (res.status !== 201) throw new Error(`write ${i}: ${res.status} ${await res.text()}`);
      acked.push(email);
    }
  })();
  return {
    acked,
    stop: async () => {
      stop = true;
      await done;
    },
  };
}

test("backup while writing, wipe, restore, start: acknowledged writes, passwords, sessions, PATs and da all work", async () => {
  const dataDir = tempDir();
  const server = await startServer({ dataDir, env: ADMIN });
  const admin = await signIn(server.url, ADMIN.AGNES_ADMIN_EMAIL, ADMIN.AGNES_ADMIN_PASSWORD);
  expect(
    (
      await call(server.url, "POST", "/api/users", {
        token: admin,
        body: { email: "ana@example.com", password: "ana-password-1", must_change_password: false },
      })
    ).status,
  ).toBe(201);
  const ana = await signIn(server.url, "ana@example.com", "ana-password-1");
  const pat = ((await (await call(server.url, "POST", "/auth/tokens", { token: ana, body: { name: "ci" } })).json()) as { token: string }).token;
  expect((await call(server.url, "GET", "/auth/me", { token: pat })).status).toBe(200);

  const load = writer(server.url, admin);
  for (let i = 0; i < 200 && load.acked.length < 20; i++) await Bun.sleep(10);
  const ackedBeforeBackup = [...load.acked];
  const made = await call(server.url, "POST", "/api/admin/backups", { token: admin });
  expect(made.status).toBe(201);
  const { name } = (await made.json()) as { name: string };
  await load.stop();
  expect(load.acked.length).toBeGreaterThan(ackedBeforeBackup.length); // writes went on around the backup
  const offHost = join(tempDir(), name);
  copyFileSync(join(dataDir, "backups", name), offHost);
  const keptKey = join(tempDir(), "jwt-secret"); // the operator keeps the session key apart from backups
  copyFileSync(join(dataDir, "state", "jwt-secret"), keptKey);
  await server.stop();

  rmSync(dataDir, { recursive: true, force: true }); // the disaster
  const restored = await runServerCommand(["restore", offHost], { DATA_DIR: dataDir });
  expect(restored.stderr).toBe("");
  expect(restored.code).toBe(0);
  expect(restored.stdout).toContain(`Restored ${offHost}`);
  expect(restored.stdout).toContain("A backup holds no session key");

  const keyless = await startServer({ dataDir });
  try {
    expect((await call(keyless.url, "GET", "/auth/me", { token: ana })).status).toBe(401); // no key, no old session
    expect((await call(keyless.url, "GET", "/auth/me", { token: pat })).status).toBe(200);
  } finally {
    await keyless.stop();
  }
  copyFileSync(keptKey, join(dataDir, "state", "jwt-secret"));
  const again = await startServer({ dataDir });
  try {
    const users = (await (await call(again.url, "GET", "/api/users?limit=500&role=viewer", { token: admin })).json()) as { email: string }[];
    const present = new Set(users.map((u) => u.email));
    for (const email of ackedBeforeBackup) expect(present.has(email)).toBe(true);
    expect((await call(again.url, "GET", "/auth/me", { token: ana })).status).toBe(200); // a session from before
    expect(await signIn(again.url, "ana@example.com", "ana-password-1")).toBeString();
    const me = (await (await call(again.url, "GET", "/auth/me", { token: pat })).json()) as { email: string; auth: string };
    expect(me).toMatchObject({ email: "ana@example.com", auth: "pat" });
    const box = sandbox();
    const da = await runDa(["auth", "whoami", "--json"], { env: { ...box.env, DA_SERVER: again.url, DA_TOKEN: pat } });
    expect(da.code).toBe(0);
    expect(da.stdout).toContain("ana@example.com");
  } finally {
    await again.stop();
  }
});

test("restore refuses a DATA_DIR with state unless --replace, and keeps the old state aside", async () => {
  const dataDir = tempDir();
  const server = await startServer({ dataDir, env: ADMIN });
  const admin = await signIn(server.url, ADMIN.AGNES_ADMIN_EMAIL, ADMIN.AGNES_ADMIN_PASSWORD);
  const { name } = (await (await call(server.url, "POST", "/api/admin/backups", { token: admin })).json()) as { name: string };
  const file = join(dataDir, "backups", name);

  const whileRunning = await runServerCommand(["restore", file, "--replace"], { DATA_DIR: dataDir });
  expect(whileRunning.code).toBe(2);
  expect(whileRunning.stderr).toContain(`DATA_DIR ${dataDir} is in use by another process (PID `);
  expect(whileRunning.stderr).toContain("Stop the server first");
  expect(whileRunning.stderr).not.toMatch(/^\s+at /m);
  await server.stop();

  // A deployment whose `da` signing key lives in state/ (the default): installed `da`s trust it.
  writeFileSync(join(dataDir, "state", "da-signing-key"), "untrusted comment: the host's key\n", { mode: 0o600 });
  writeFileSync(join(dataDir, "state", "da-signing-key.chain"), "chain\n");
  const refused = await runServerCommand(["restore", file], { DATA_DIR: dataDir });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("--replace");
  const replaced = await runServerCommand(["restore", file, "--replace"], { DATA_DIR: dataDir });
  expect(replaced.code).toBe(0);
  const aside = readdirSync(dataDir).filter((n) => n.startsWith("state.before-restore-"));
  expect(aside).toHaveLength(1);
  expect(existsSync(join(dataDir, aside[0]!, "system.duckdb"))).toBe(true);
  expect(existsSync(join(dataDir, "state", "system.duckdb"))).toBe(true);
  // The host's session key stays with the host: the restored state keeps the one it replaced.
  expect(replaced.stdout).toContain("session key was kept");
  expect(readFileSync(join(dataDir, "state", "jwt-secret"), "utf8")).toBe(readFileSync(join(dataDir, aside[0]!, "jwt-secret"), "utf8"));
  // So does the `da` signing key, or every installed `da` would refuse the next release.
  expect(readFileSync(join(dataDir, "state", "da-signing-key"), "utf8")).toBe("untrusted comment: the host's key\n");
  expect(readFileSync(join(dataDir, "state", "da-signing-key.chain"), "utf8")).toBe("chain\n");
});
