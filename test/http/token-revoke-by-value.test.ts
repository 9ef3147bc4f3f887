// POST /auth/tokens/revoke {token}: no authentication, 204 for a valid, an invalid and another
// person's token alike (no oracle); a valid one is revoked at once, audited and its owner emailed
// (through a real SMTP server, `smtp-server`, the mail parsed back with `mailparser`).
import { afterEach, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp-server";
import { generatePat } from "../../src/auth/pat-format";
import { REVOKE_ATTEMPTS } from "../../src/modules/tokens/revoke-by-value";

let t: TestApp;
let smtp: TestSmtpServer | null = null;
afterEach(async () => {
  await t.close();
  await smtp?.stop();
  smtp = null;
});

async function tokenOf(email: string, name: string): Promise<string> {
  await t.createUser(email, "their-password-1", "analyst");
  const session = await t.login(email, "their-password-1");
  const res = await t.api("POST", "/auth/tokens", { token: session, body: { name, scopes: ["profile:read"] } });
  return ((await res.json()) as { token: string }).token;
}

/** Everything an anonymous caller learns from an answer. */
async function revoke(token: unknown) {
  const res = await t.api("POST", "/auth/tokens/revoke", { body: { token } });
  const headers: string[] = [];
  res.headers.forEach((value, name) => name !== "date" && headers.push(`${name}: ${value}`));
  headers.sort();
  return { status: res.status, body: await res.text(), headers };
}

const works = async (token: string) => (await t.api("GET", "/auth/me", { token })).status === 200;

test("valid, unknown, malformed and another person's token get identical answers; only the valid one is revoked", async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: "http://localhost" } });
  const leaked = await tokenOf("leaky@example.com", "laptop");
  const bystander = await tokenOf("other@example.com", "ci");
  const answers = [await revoke(leaked), await revoke(generatePat()), await revoke("agnes_pat_not-a-token"), await revoke("hello")];
  expect(answers[0]!.status).toBe(204);
  for (const answer of answers) expect(answer).toEqual(answers[0]!);
  expect(await works(leaked)).toBe(false);
  expect(await works(bystander)).toBe(true);
  expect(await revoke(leaked)).toEqual(answers[0]!); // again: the same answer, nothing more happens
  const session = await t.login();
  const audit = (await (await t.api("GET", "/api/audit?action=token.revoked_by_value", { token: session })).json()) as {
    actor_id: string | null;
    params: { name: string };
  }[];
  expect(audit.map((e) => [e.actor_id, e.params.name])).toEqual([[null, "laptop"]]);
  const [mail] = await smtp.waitFor(1);
  expect(mail!.envelopeTo).toEqual(["leaky@example.com"]);
  const text = mail!.parsed.text ?? "";
  expect(text).toContain('"laptop"');
  expect(text).not.toContain(leaked);
  expect(`${mail!.parsed.subject} ${mail!.parsed.html || ""}`).not.toContain(leaked);
  expect(smtp.messages).toHaveLength(1);
});

test(`rate-limited per address: after ${REVOKE_ATTEMPTS} attempts, valid or not, 429 with Retry-After; the token then survives`, async () => {
  t = await createTestApp();
  const token = await tokenOf("late@example.com", "x");
  for (let i = 0; i < REVOKE_ATTEMPTS; i++) expect((await revoke(generatePat())).status).toBe(204);
  const res = await t.api("POST", "/auth/tokens/revoke", { body: { token } });
  expect(res.status).toBe(429);
  expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
  expect(await works(token)).toBe(true);
});

test("a body without a token string → 422, nothing changes", async () => {
  t = await createTestApp();
  expect((await revoke(undefined)).status).toBe(422);
  expect((await t.api("POST", "/auth/tokens/revoke", { body: { token: 12 } })).status).toBe(422);
});

test("a service account's leaked token: revoked, and every active admin is told (it has no mailbox)", async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: "http://localhost" } });
  const admin = await t.login();
  const account = (await (await t.api("POST", "/api/service-accounts", { token: admin, body: { name: "etl" } })).json()) as { id: string };
  const made = await t.api("POST", `/api/service-accounts/${account.id}/tokens`, { token: admin, body: { name: "ci" } });
  const { token } = (await made.json()) as { token: string };
  expect((await revoke(token)).status).toBe(204);
  expect(await works(token)).toBe(false);
  const [mail] = await smtp.waitFor(1);
  expect(mail!.envelopeTo).toEqual(["admin@example.com"]);
  expect(mail!.parsed.text).toContain('"ci"');
});
