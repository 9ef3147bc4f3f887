// One server per DATA_DIR, and break-glass admin recovery on the host.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../helpers/server";
import { call, runServerCommand, signIn } from "../helpers/ops";

const ADMIN = { AGNES_ADMIN_EMAIL: "root@example.com", AGNES_ADMIN_PASSWORD: "root-password-1" };
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "agnes-ops-"));
  dirs.push(dir);
  return dir;
};

test("a second server on the same DATA_DIR exits 2 with one line naming the directory and the other process", async () => {
  const dataDir = tempDir();
  const first = await startServer({ dataDir, env: ADMIN });
  try {
    const second = await runServerCommand([], { DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", CLI_DIST_DIR: join(dataDir, "none") });
    expect(second.code).toBe(2);
    expect(second.stdout).toBe("");
    expect(second.stderr.trim().split("\n")).toHaveLength(1);
    expect(second.stderr).toMatch(new RegExp(`^agnes: not starting: DATA_DIR ${dataDir} is in use by another process \\(PID \\d+\\)`));
    const admin = await signIn(first.url, ADMIN.AGNES_ADMIN_EMAIL, ADMIN.AGNES_ADMIN_PASSWORD);
    expect((await call(first.url, "POST", "/api/users", { token: admin, body: { email: "after@example.com" } })).status).toBe(201);
    expect(first.exitCode()).toBeNull();
  } finally {
    await first.stop();
  }
});

test("recover-admin: refused while the server runs; then activates and promotes, prints a working link, and is audited", async () => {
  const dataDir = tempDir();
  const env = { DATA_DIR: dataDir, PUBLIC_URL: "https://agnes.example.com" };
  let server = await startServer({ dataDir, env: ADMIN });
  const root = await signIn(server.url, ADMIN.AGNES_ADMIN_EMAIL, ADMIN.AGNES_ADMIN_PASSWORD);
  const created = await call(server.url, "POST", "/api/users", { token: root, body: { email: "lost@example.com", role: "viewer" } });
  const lost = ((await created.json()) as { id: string }).id;
  expect((await call(server.url, "POST", `/api/users/${lost}/deactivate`, { token: root })).status).toBe(200);

  const refused = await runServerCommand(["recover-admin", "lost@example.com"], env);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("Stop the server first");
  expect(refused.stderr).not.toMatch(/^\s+at /m);
  await server.stop();

  const recovered = await runServerCommand(["recover-admin", "Lost@Example.com"], env);
  expect(recovered.code).toBe(0);
  expect(recovered.stdout).toContain("lost@example.com is now an active admin (was viewer, deactivated)");
  const link = /https:\/\/agnes\.example\.com(\/auth\/password\/reset\?token=\S+)/.exec(recovered.stdout);
  expect(link).not.toBeNull();
  const fresh = await runServerCommand(["recover-admin", "new-admin@example.com"], env);
  expect(fresh.stdout).toContain("new-admin@example.com is now an active admin (created)");
  expect((await runServerCommand(["recover-admin", "not-an-email"], env)).code).toBe(2);

  server = await startServer({ dataDir });
  try {
    const reset = await fetch(server.url + link![1], {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ password: "recovered-pass-1", password_confirm: "recovered-pass-1" }),
      redirect: "manual",
    });
    expect(reset.status).toBe(303);
    const token = await signIn(server.url, "lost@example.com", "recovered-pass-1");
    const me = (await (await call(server.url, "GET", "/auth/me", { token })).json()) as { role: string; active: boolean };
    expect(me).toMatchObject({ role: "admin", active: true });
    const audit = (await (await call(server.url, "GET", "/api/audit?action=admin.recovered", { token })).json()) as { actor_email: string; target: string }[];
    expect(audit.map((a) => a.actor_email)).toEqual(["operator (shell)", "operator (shell)"]);
    expect(audit.map((a) => a.target)).toContain(lost);
  } finally {
    await server.stop();
  }
});
