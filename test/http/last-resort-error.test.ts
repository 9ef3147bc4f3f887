// Against the real server process: when Bun itself fails to send what a handler returned (here a
// backup "file" that is a directory by the time it is sent; in life, one deleted in between), the
// answer is Bun's last resort in src/server.ts. It must still be ours: a 500 {"detail"} with every
// fixed header (`da` reads its version floor from any answer), and the process goes on.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startServer, type RunningServer } from "../helpers/server";

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const BACKUP = "agnes-backup-20200101T000000000Z.tar.gz";
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ env: { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password } });
});
afterAll(() => server.stop());

test("a backup that cannot be sent gets the server's own 500 with every fixed header", async () => {
  const signIn = await fetch(`${server.url}/auth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
  const token = ((await signIn.json()) as { access_token: string }).access_token;
  mkdirSync(join(server.dataDir, "backups", BACKUP), { recursive: true });

  const res = await fetch(`${server.url}/api/admin/backups/${BACKUP}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(500);
  expect(await res.json()).toEqual({ detail: "Internal server error" });
  expect({
    nosniff: res.headers.get("x-content-type-options"),
    frame: res.headers.get("x-frame-options"),
    csp: res.headers.get("content-security-policy"),
    cli: res.headers.get("x-agnes-cli-min-version"),
  }).toEqual({ nosniff: "nosniff", frame: "DENY", csp: "default-src 'none'; frame-ancestors 'none'", cli: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  // The log is written in batches (every 50 ms).
  for (let i = 0; i < 40 && !server.logs().includes('"event":"server.error"'); i++) await Bun.sleep(50);
  expect(server.logs()).toContain('"event":"server.error"');
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
});
