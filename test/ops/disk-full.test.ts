// A full or read-only disk, for real, under the real server process (`bun src/server.ts`): DATA_DIR
// on a small tmpfs that a filler file fills, or on an ext4 loop device the kernel turns read-only.
// Writes answer 503 {"detail"} with Retry-After (never 500); existing sessions, tokens and every read
// keep working; the episode is logged once; writes work again as soon as space returns, without a
// restart; and after a restart everything acknowledged is there. Runs as root (mount); CI does.
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { startServer, type RunningServer } from "../helpers/server";
import { call, signIn } from "../helpers/ops";
import { mountExt4, mountTmpfs, type FailingDisk, type SmallDisk } from "../helpers/small-disk";

const ADMIN = { AGNES_ADMIN_EMAIL: "root@example.com", AGNES_ADMIN_PASSWORD: "root-password-1" };
const ENV = { ...ADMIN, BACKUP_EVERY_HOURS: "0" };
const servers: RunningServer[] = [];
const disks: (SmallDisk | FailingDisk)[] = [];
afterAll(async () => {
  for (const server of servers) if (server.exitCode() === null) server.kill("SIGKILL");
  await Promise.allSettled(servers.map((s) => s.exited));
  for (const disk of disks) disk.unmount(); // always, even when a test failed
});

async function start(dataDir: string, env: Record<string, string> = ENV) {
  const server = await startServer({ dataDir, env });
  servers.push(server);
  return server;
}

/** A refused write: 503, Retry-After, the storage message as {"detail"}. */
async function expectRefused(res: Response) {
  expect(res.status).toBe(503);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(((await res.json()) as { detail: string }).detail).toMatch(/storage is full or read-only.*try again later/);
}

const count = (logs: string, event: string) => logs.split("\n").filter((l) => l.includes(`"event":"${event}"`)).length;

/** How often `event` was logged, once the log's batch has been written (every 50 ms; later on a loaded machine). */
async function logged(server: { logs: () => string }, event: string): Promise<number> {
  for (let waited = 0; count(server.logs(), event) === 0 && waited < 5_000; waited += 50) await Bun.sleep(50);
  await Bun.sleep(100); // and long enough that a second line would show too
  return count(server.logs(), event);
}

/** State made before the disk fails: an admin session, a PAT, a user, a browser session with its CSRF token. */
async function makeState(url: string) {
  const admin = await signIn(url, ADMIN.AGNES_ADMIN_EMAIL, ADMIN.AGNES_ADMIN_PASSWORD);
  const pat = ((await (await call(url, "POST", "/auth/tokens", { token: admin, body: { name: "ci" } })).json()) as { token: string }).token;
  const ana = (await (
    await call(url, "POST", "/api/users", {
      token: admin,
      body: { email: "ana@example.com", password: "ana-password-1", role: "viewer", must_change_password: false },
    })
  ).json()) as { id: string };
  const cookie = `access_token=${await signIn(url, "ana@example.com", "ana-password-1")}`;
  const profile = await (await fetch(`${url}/profile`, { headers: { cookie, accept: "text/html" } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(profile)?.[1];
  if (!csrf) throw new Error("no CSRF field on /profile");
  return { admin, pat, anaId: ana.id, cookie, csrf };
}

type State = Awaited<ReturnType<typeof makeState>>;

/** Every write kind is refused with 503 (JSON for the API, the error page for a browser form). */
async function expectWritesRefused(url: string, s: State) {
  await expectRefused(await call(url, "POST", "/api/users", { token: s.admin, body: { email: "refused@example.com", role: "viewer" } }));
  await expectRefused(await call(url, "POST", "/auth/tokens", { token: s.admin, body: { name: "refused" } }));
  await expectRefused(await call(url, "PATCH", `/api/users/${s.anaId}`, { token: s.admin, body: { name: "Refused" } }));
  await expectRefused(await call(url, "POST", "/api/admin/backups", { token: s.admin }));
  // A new sign-in writes a session row, so it waits too; signed-in clients go on (below).
  await expectRefused(await call(url, "POST", "/auth/token", { body: { email: "ana@example.com", password: "ana-password-1" } }));
  const form = await fetch(`${url}/profile/tokens`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: s.cookie, accept: "text/html", origin: url, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: s.csrf, name: "from-the-page", "scope:query": "on" }),
  });
  expect(form.status).toBe(503);
  expect(form.headers.get("retry-after")).toBeString();
  expect(await form.text()).toContain("storage is full or read-only");
}

/** Reads with credentials made before the failure: session bearer, PAT, browser cookie. */
async function expectReadsWork(url: string, s: State, emails: string[]) {
  expect((await call(url, "GET", "/auth/me", { token: s.admin })).status).toBe(200);
  expect((await call(url, "GET", "/auth/me", { token: s.pat })).status).toBe(200);
  const users = await call(url, "GET", "/api/users?limit=500", { token: s.pat });
  expect(users.status).toBe(200);
  const listed = ((await users.json()) as { email: string }[]).map((u) => u.email);
  expect(emails.filter((e) => !listed.includes(e))).toEqual([]);
  expect((await call(url, "GET", "/auth/tokens", { token: s.admin })).status).toBe(200);
  const dashboard = await fetch(`${url}/dashboard`, { headers: { cookie: s.cookie, accept: "text/html" }, redirect: "manual" });
  expect(dashboard.status).toBe(200);
  expect((await fetch(`${url}/profile`, { headers: { cookie: s.cookie, accept: "text/html" }, redirect: "manual" })).status).toBe(200);
  expect((await call(url, "GET", "/health")).status).toBe(200);
}

async function until(check: () => Promise<boolean>, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

test("full disk: writes 503 with Retry-After, reads and existing sessions work, writes come back without a restart, nothing lost", async () => {
  const disk = mountTmpfs(48);
  disks.push(disk);
  const dataDir = join(disk.dir, "data");
  const server = await start(dataDir);
  const s = await makeState(server.url);
  const emails = ["ana@example.com"];

  disk.fill();
  // A write can still fit in the WAL's last page; send users until the disk refuses one.
  let refusedAt = -1;
  for (let i = 0; i < 50 && refusedAt < 0; i++) {
    const res = await call(server.url, "POST", "/api/users", { token: s.admin, body: { email: `full-${i}@example.com`, role: "viewer" } });
    if (res.status === 201) emails.push(`full-${i}@example.com`);
    else {
      await expectRefused(res);
      refusedAt = i;
    }
  }
  expect(refusedAt).toBeGreaterThanOrEqual(0);
  await expectWritesRefused(server.url, s);
  await expectReadsWork(server.url, s, emails);
  const ready = await call(server.url, "GET", "/ready");
  expect(ready.status).toBe(503);
  expect(((await ready.json()) as { detail: string }).detail).toContain("full or read-only");
  // One line for the episode, however many writes were refused; no 500, no stack.
  expect(await logged(server, "storage.unavailable")).toBe(1);
  expect(server.logs()).not.toContain('"event":"request.failed"');
  expect(server.logs()).not.toContain('"status":500');

  disk.free();
  await until(async () => (await call(server.url, "GET", "/ready")).status === 200, "/ready after the space returned");
  const back = await call(server.url, "POST", "/api/users", { token: s.admin, body: { email: "back@example.com", role: "viewer" } });
  expect(back.status).toBe(201);
  emails.push("back@example.com");
  expect((await call(server.url, "PATCH", `/api/users/${s.anaId}`, { token: s.admin, body: { name: "Ana Again" } })).status).toBe(200);
  const newPat = await call(server.url, "POST", "/auth/tokens", { token: s.admin, body: { name: "after" } });
  expect(newPat.status).toBe(201);
  const after = ((await newPat.json()) as { token: string }).token;
  const fresh = await signIn(server.url, "ana@example.com", "ana-password-1");
  expect((await call(server.url, "POST", "/api/admin/backups", { token: s.admin })).status).toBe(201);
  expect(await logged(server, "storage.recovered")).toBe(1);

  server.kill("SIGTERM");
  expect(await server.exited).toBe(0);
  const again = await start(dataDir, {});
  await expectReadsWork(again.url, s, emails);
  for (const token of [after, fresh]) expect((await call(again.url, "GET", "/auth/me", { token })).status).toBe(200);
  const ana = (await (await call(again.url, "GET", `/api/users/${s.anaId}`, { token: s.admin })).json()) as { name: string };
  expect(ana.name).toBe("Ana Again");
  // The PAT was only used while the disk was full: its last use survived the failed flush.
  const tokens = (await (await call(again.url, "GET", "/auth/tokens", { token: s.admin })).json()) as { name: string; last_used_at: string | null }[];
  expect(tokens.find((t) => t.name === "ci")?.last_used_at).toBeString();
  expect(again.logs()).not.toContain('"level":"error"');
  await again.stop();
});

test("read-only disk (the kernel remounts it after an error): writes 503, reads work; after the repair and a restart nothing acknowledged is lost", async () => {
  const disk = mountExt4(64);
  disks.push(disk);
  const dataDir = join(disk.dir, "data");
  const server = await start(dataDir);
  const s = await makeState(server.url);
  const emails = ["ana@example.com"];
  for (const email of ["before-1@example.com", "before-2@example.com"]) {
    expect((await call(server.url, "POST", "/api/users", { token: s.admin, body: { email, role: "viewer" } })).status).toBe(201);
    emails.push(email);
  }

  disk.turnReadOnly();
  await expectWritesRefused(server.url, s);
  await expectReadsWork(server.url, s, emails);
  expect((await call(server.url, "GET", "/ready")).status).toBe(503);
  expect(await logged(server, "storage.unavailable")).toBe(1);
  expect(server.logs()).not.toContain('"event":"request.failed"');

  // The operator stops the server, repairs the file system and starts it again.
  server.kill("SIGTERM");
  await server.exited;
  disk.repair();
  const again = await start(dataDir, {});
  await expectReadsWork(again.url, s, emails);
  expect((await call(again.url, "POST", "/api/users", { token: s.admin, body: { email: "repaired@example.com", role: "viewer" } })).status).toBe(201);
  expect((await call(again.url, "GET", "/ready")).status).toBe(200);
  await again.stop();
});
