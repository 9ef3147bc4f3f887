// Crash safety on the real server process. SIGKILL mid-load: every write the server acknowledged
// (2xx) is there after a restart on the same DATA_DIR, and the database opens cleanly. SIGTERM: a
// request in flight finishes, the batched last_used/last_seen are written, the process exits 0.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../helpers/server";
import { call, signIn } from "../helpers/ops";
import { parseResponse } from "../hostile/raw-http";
import type { Token } from "../../src/shared/contract";

const ADMIN = { AGNES_ADMIN_EMAIL: "root@example.com", AGNES_ADMIN_PASSWORD: "root-password-1" };
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "agnes-crash-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs `write(i)` until it throws (the server is gone) or `max` writes; `acked` holds what got a 2xx. */
function loop<T>(max: number, write: (i: number) => Promise<T | null>) {
  const acked: T[] = [];
  const done = (async () => {
    for (let i = 0; i < max; i++) {
      let result: T | null;
      try {
        result = await write(i);
      } catch {
        return; // connection refused or reset: the process was killed
      }
      if (result !== null) acked.push(result);
    }
  })();
  return { acked, done };
}

async function json<T>(res: Response): Promise<T | null> {
  return res.status >= 200 && res.status < 300 ? ((await res.json()) as T) : null;
}

test("SIGKILL during concurrent writes: every acknowledged write survives a restart", async () => {
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

  const users = [0, 1].map((w) =>
    loop(2_000, async (i) => {
      const email = `w${w}-${i}@example.com`;
      return (await json(await call(server.url, "POST", "/api/users", { token: admin, body: { email, role: "viewer" } }))) ? email : null;
    }),
  );
  const tokens = loop(
    2_000,
    async (i) => (await json<{ token: string }>(await call(server.url, "POST", "/auth/tokens", { token: admin, body: { name: `t${i}` } })))?.token ?? null,
  );
  const sessions = loop(
    2_000,
    async () =>
      (
        await json<{ access_token: string }>(
          await call(server.url, "POST", "/auth/token", { body: { email: "ana@example.com", password: "ana-password-1", must_change_password: false } }),
        )
      )?.access_token ?? null,
  );
  const all = [...users, tokens, sessions];
  const count = () => all.reduce((n, l) => n + l.acked.length, 0);
  for (let i = 0; i < 1_000 && (count() < 60 || sessions.acked.length < 3 || tokens.acked.length < 3); i++) await Bun.sleep(10);
  server.kill("SIGKILL");
  await server.exited;
  await Promise.all(all.map((l) => l.done));
  const ackedUsers = users.flatMap((l) => l.acked);
  expect(ackedUsers.length).toBeGreaterThan(0);
  expect(tokens.acked.length).toBeGreaterThan(0);
  expect(sessions.acked.length).toBeGreaterThan(0);

  const again = await startServer({ dataDir });
  try {
    expect((await call(again.url, "GET", "/health")).status).toBe(200);
    const listed = (await (await call(again.url, "GET", "/api/users?limit=500&role=viewer", { token: admin })).json()) as { email: string }[];
    const present = new Set(listed.map((u) => u.email));
    expect(ackedUsers.filter((email) => !present.has(email))).toEqual([]);
    for (const token of [...tokens.acked, ...sessions.acked]) expect((await call(again.url, "GET", "/auth/me", { token })).status).toBe(200);
    expect(again.logs()).not.toContain('"level":"error"');
  } finally {
    await again.stop();
  }
  expect(again.exitCode()).toBe(0);
});

/** Sends a POST's head and half its body on a raw connection; `finish()` sends the rest and reads the answer. */
function halfSentRequest(port: number, path: string, token: string, body: string) {
  const socket = connect({ host: "127.0.0.1", port });
  const chunks: Buffer[] = [];
  const answered = new Promise<ReturnType<typeof parseResponse>>((resolve) => {
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("close", () => resolve(parseResponse(Buffer.concat(chunks))));
    socket.on("error", () => undefined);
  });
  const cut = Math.floor(body.length / 2);
  const opened = new Promise<void>((resolve) =>
    socket.on("connect", () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nAccept: application/json\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, cut)}`,
        () => resolve(),
      );
    }),
  );
  const timer = setTimeout(() => socket.destroy(), 30_000);
  return {
    opened,
    finish: async () => {
      socket.write(body.slice(cut));
      const res = await answered;
      clearTimeout(timer);
      return res;
    },
  };
}

test("SIGTERM: the request in flight finishes, last_used/last_seen are written, exit code 0", async () => {
  const dataDir = tempDir();
  const server = await startServer({ dataDir, env: ADMIN });
  const port = Number(new URL(server.url).port);
  const admin = await signIn(server.url, ADMIN.AGNES_ADMIN_EMAIL, ADMIN.AGNES_ADMIN_PASSWORD);
  const pat = ((await (await call(server.url, "POST", "/auth/tokens", { token: admin, body: { name: "ci" } })).json()) as { token: string }).token;
  expect((await call(server.url, "GET", "/auth/me", { token: pat })).status).toBe(200); // recorded in memory only

  const inFlight = halfSentRequest(port, "/api/users", admin, JSON.stringify({ email: "late@example.com", role: "viewer" }));
  await inFlight.opened;
  // A later connection answered means the server has accepted the earlier one and read its head.
  expect((await call(server.url, "GET", "/health")).status).toBe(200);
  server.kill("SIGTERM");
  server.kill("SIGTERM"); // an impatient second signal changes nothing
  const res = await inFlight.finish();
  expect(res.status).toBe(201);
  expect(await server.exited).toBe(0);
  expect(server.logs()).toContain('"event":"server.stopped"');

  const again = await startServer({ dataDir });
  try {
    const tokens = (await (await call(again.url, "GET", "/auth/tokens", { token: admin })).json()) as Token[];
    expect(tokens.find((t) => t.name === "ci")?.last_used_at).toBeString();
    const late = (await (await call(again.url, "GET", "/api/users?limit=500&role=viewer", { token: admin })).json()) as { email: string }[];
    expect(late.map((u) => u.email)).toContain("late@example.com");
  } finally {
    await again.stop();
  }
});
