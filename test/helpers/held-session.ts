// A session held to a task (src/auth/session-restriction.ts): an admin whose password an admin set
// signs in, and until they choose their own, that session may only do that and ask who they are.
import { expect } from "bun:test";
import type { TestApp } from "./app";

/** A browser session of a new admin held to choosing their own password; `admin` is an admin's bearer. */
export async function heldAdminSession(t: TestApp, admin: string, email = "held@example.com") {
  const password = "held-password-1";
  const made = await t.api("POST", "/api/users", { token: admin, body: { email, password, role: "admin", must_change_password: true } });
  expect(made.status).toBe(201);
  return t.browser(email, password);
}
