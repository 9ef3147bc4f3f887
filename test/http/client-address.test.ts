// Against the real server process: the client's address reaches what records it. The address comes
// from the listening server (AppContext.listener), which only the real process has; an app driven
// through app.handle has none, so these checks need the real HTTP layer.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startServer, type RunningServer } from "../helpers/server";
import type { AuditEntry, Session } from "../../src/shared/contract";

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
let server: RunningServer;
let session: string;

beforeAll(async () => {
  server = await startServer({ env: { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password } });
  const res = await fetch(`${server.url}/auth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
  session = ((await res.json()) as { access_token: string }).access_token;
});
afterAll(() => server.stop());

const get = async <T>(path: string): Promise<T> => {
  const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${session}`, accept: "application/json" } });
  expect(res.status).toBe(200);
  return res.json() as Promise<T>;
};

test("a sign-in records the client's address on the session", async () => {
  const sessions = await get<Session[]>("/auth/sessions");
  expect(sessions.find((s) => s.current)?.ip).toBe("127.0.0.1");
});

test("an authenticated change records the client's address in the audit trail", async () => {
  const created = await fetch(`${server.url}/api/users`, {
    method: "POST",
    headers: { authorization: `Bearer ${session}`, "content-type": "application/json" },
    body: JSON.stringify({ email: "ana@example.com", name: "Ana", role: "analyst", password: "ana-password-1" }),
  });
  expect(created.status).toBe(201);
  const entries = await get<AuditEntry[]>("/api/audit");
  expect(entries.find((e) => e.action === "user.create")?.ip).toBe("127.0.0.1");
});
