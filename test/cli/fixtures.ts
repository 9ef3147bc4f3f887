// Shared set-up for the CLI tests that need the real server: one server per test file with a
// first admin, direct HTTP calls for arranging state, and `da login` into a sandbox.
import { expect } from "bun:test";
import { randomUUID } from "node:crypto";
import type { CreatedToken, LoginResponse, User } from "../../src/shared/contract";
import { startServer, type RunningServer } from "../helpers/server";
import { runDa, type Sandbox } from "../helpers/cli";

export const ADMIN = { email: "admin@example.com", password: "admin-password-1" };

export function startAgnes(env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({ env: { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password, ...env } });
}

export function uniqueEmail(tag: string): string {
  return `${tag}-${randomUUID().slice(0, 8)}@example.com`;
}

async function call<T>(server: RunningServer, method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      accept: "application/json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export async function sessionToken(server: RunningServer, email: string, password: string): Promise<string> {
  return (await call<LoginResponse>(server, "POST", "/auth/token", undefined, { email, password })).access_token;
}

/** Creates a user over HTTP as the first admin; returns it with its password. */
export async function createUser(server: RunningServer, role = "analyst", tag = "user") {
  const admin = await sessionToken(server, ADMIN.email, ADMIN.password);
  const password = `pw-${randomUUID()}`;
  // A fixture's password is the test's own: no forced change at the first sign-in.
  const body = { email: uniqueEmail(tag), role, password, must_change_password: false };
  const user = await call<User>(server, "POST", "/api/users", admin, body);
  return { ...user, password };
}

export async function createPat(server: RunningServer, session: string, name = "fixture"): Promise<CreatedToken> {
  return call<CreatedToken>(server, "POST", "/auth/tokens", session, { name, expires_in_days: 30 });
}

export async function getJson<T>(server: RunningServer, path: string, token: string): Promise<T> {
  return call<T>(server, "GET", path, token);
}

/** `da login` into the sandbox without a terminal (password on stdin); asserts it worked. */
export async function daLogin(box: Sandbox, server: RunningServer, email = ADMIN.email, password = ADMIN.password) {
  const result = await runDa(["login", "--server", server.url, "--email", email, "--password-stdin"], {
    env: box.env,
    stdin: password,
  });
  expect(result.stderr).toContain("Signed in");
  expect(result.code).toBe(0);
}
