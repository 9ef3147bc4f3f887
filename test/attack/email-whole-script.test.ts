// Attacker pass on issue 20 (class 1): the mixed-script check is per part, so an address whose local
// part is written entirely in Cyrillic or Greek letters that look Latin (a whole-script confusable,
// UTS #39 §4) is accepted and becomes a second account that renders exactly like the Latin one.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp();
  token = await t.login();
  await t.createUser("ace@corp.example", "ace-password-1", "admin");
  await t.createUser("oo@corp.example", "oo-password-1", "admin");
});
afterAll(() => t?.close());

const confusables = [
  ["Cyrillic а с е for ace", "\u0430\u0441\u0435@corp.example", "ace@corp.example"],
  ["Greek ο ο for oo", "\u03bf\u03bf@corp.example", "oo@corp.example"],
] as const;

test.each(confusables)("POST /api/users with %s → 400 (it renders as an existing address)", async (_name, email, looksLike) => {
  const res = await t.api("POST", "/api/users", { token, body: { email, password: "password-123" } });
  expect(res.status).toBe(400);
  const rows = await t.ctx.db.query<{ email: string }>("SELECT email FROM users WHERE email LIKE '%@corp.example'");
  expect(rows.filter((r) => r.email !== looksLike && r.email.length === looksLike.length)).toEqual([]);
});
