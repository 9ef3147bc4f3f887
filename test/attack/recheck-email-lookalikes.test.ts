// Re-check of F1/F2 (issue 20): look-alike addresses the email rule still accepts. Each row is a
// second account that renders like an existing Latin address. Expected 400; these get 201/200.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp();
  token = await t.login();
});
afterAll(() => t?.close());

const lookalikes = [
  ["Latin script g U+0261 (go)", "\u0261o@corp.example"],
  ["Latin alpha U+0251 (ace)", "\u0251ce@corp.example"],
  ["i + combining dot above U+0307 (ian)", "i\u0307an@corp.example"],
  ["Cyrillic izhitsa U+0475 with ѕ а е (save)", "\u0455\u0430\u0475\u0435@corp.example"],
  ["Cyrillic ge/o/es/ie (rose-like)", "\u0433\u043e\u0441\u0435@corp.example"],
  ["Greek gamma omicron upsilon (you)", "\u03b3\u03bf\u03c5@corp.example"],
  ["Greek yot U+03F3 + omicron (jo)", "\u03f3\u03bf@corp.example"],
  ["Armenian ho U+0570 U+0585 (ho)", "\u0570\u0585@corp.example"],
  ["Armenian domain label (ace@oh.example)", "ace@\u0585\u0570.example"],
] as const;

test.each(lookalikes)("POST /api/users with %s → 400", async (_name, email) => {
  const res = await t.api("POST", "/api/users", { token, body: { email, password: "password-123" } });
  expect(res.status).toBe(400);
});
