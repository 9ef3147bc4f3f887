// Expiry notices through a real third-party SMTP server (`smtp-server`, test/helpers/smtp-server.ts),
// each mail parsed back with `mailparser` as a mail client would read it, with the clock moved: the
// owner hears 7 days and 1 day before a token expires, once each; a service account's expiring
// tokens go to every active admin.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from "../helpers/smtp-server";
import { sendExpiryNotices } from "../../src/modules/tokens/expiry-notices";

const DAY = 86_400_000;
let t: TestApp;
let smtp: TestSmtpServer;
let admin: string;
beforeEach(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: "http://localhost" } });
  admin = await t.login();
});
afterEach(async () => {
  await t.close();
  await smtp.stop();
});

/** What a reader of the mail sees: the envelope's recipients, the decoded subject and the text part. */
const read = (mail: ReceivedMail) => ({ to: mail.envelopeTo, subject: mail.parsed.subject ?? "", text: mail.parsed.text ?? "" });
const line = (text: string, label: string) =>
  text
    .split("\n")
    .find((l) => l.startsWith(`${label}: `))
    ?.slice(label.length + 2);

test("7 days and 1 day before, once each, with the token's name, scopes and last use", async () => {
  const res = await t.api("POST", "/auth/tokens", { token: admin, body: { name: "déploiement « prod »", expires_in_days: 30, scopes: ["query", "sync"] } });
  const { token, expires_at } = (await res.json()) as { token: string; expires_at: string };
  expect(await sendExpiryNotices(t.ctx)).toBe(0);
  t.clock.advance(22 * DAY);
  expect(await sendExpiryNotices(t.ctx)).toBe(0);
  t.clock.advance(1 * DAY + 60_000); // now 6 days and 23 hours 59 minutes left
  const usedAt = t.clock.now().toISOString();
  expect((await t.api("GET", "/api/sync/manifest", { token })).status).toBe(200);
  expect(await sendExpiryNotices(t.ctx)).toBe(1);
  expect(await sendExpiryNotices(t.ctx)).toBe(0);
  const [seven] = await smtp.waitFor(1);
  const mail = read(seven!);
  expect(mail.to).toEqual(["admin@example.com"]);
  expect(mail.subject).toBe('Your Agnes token "déploiement « prod »" expires in 7 days');
  expect(mail.text).toContain('"déploiement « prod »"');
  expect(mail.text).toContain("less than 7 days");
  expect(mail.text).toContain(`at ${expires_at}`);
  expect(line(mail.text, "Scopes")).toBe("query, sync");
  expect(line(mail.text, "Last used")).toBe(usedAt);
  t.clock.advance(6 * DAY);
  expect(await sendExpiryNotices(t.ctx)).toBe(1);
  t.clock.advance(3_600_000);
  expect(await sendExpiryNotices(t.ctx)).toBe(0);
  const [, one] = (await smtp.waitFor(2)).map(read);
  expect(one!.subject).toBe('Your Agnes token "déploiement « prod »" expires in a day');
  expect(one!.text).toContain("less than a day");
  expect(line(one!.text, "Scopes")).toBe("query, sync");
  expect(line(one!.text, "Last used")).toBe(usedAt);
  t.clock.advance(DAY);
  expect(await sendExpiryNotices(t.ctx)).toBe(0);
  expect(smtp.messages.length).toBe(2);
});

test("a token that lives one day gets only the one-day notice, never used; revoked and never-expiring ones get none", async () => {
  await t.api("POST", "/auth/tokens", { token: admin, body: { name: "short", expires_in_days: 1 } });
  await t.api("POST", "/auth/tokens", { token: admin, body: { name: "forever", expires_in_days: null } });
  const gone = (await (await t.api("POST", "/auth/tokens", { token: admin, body: { name: "gone", expires_in_days: 3 } })).json()) as { id: string };
  await t.api("DELETE", `/auth/tokens/${gone.id}`, { token: admin });
  expect(await sendExpiryNotices(t.ctx)).toBe(1);
  t.clock.advance(12 * 3_600_000);
  expect(await sendExpiryNotices(t.ctx)).toBe(0);
  const mails = (await smtp.waitFor(1)).map(read);
  expect(mails.map((m) => m.subject)).toEqual(['Your Agnes token "short" expires in a day']);
  expect(line(mails[0]!.text, "Scopes")).toBe("all");
  expect(line(mails[0]!.text, "Last used")).toBe("never");
  expect(smtp.messages.length).toBe(1);
});

test("a service account's expiring token is reported to every active admin", async () => {
  await t.createUser("second@example.com", "second-password-1", "admin");
  const account = (await (await t.api("POST", "/api/service-accounts", { token: admin, body: { name: "etl" } })).json()) as { id: string };
  await t.api("POST", `/api/service-accounts/${account.id}/tokens`, { token: admin, body: { name: "ci", expires_in_days: 5, scopes: ["query"] } });
  expect(await sendExpiryNotices(t.ctx)).toBe(2);
  const mails = (await smtp.waitFor(2)).map(read);
  expect(mails.flatMap((m) => m.to).sort()).toEqual(["admin@example.com", "second@example.com"]);
  for (const mail of mails) {
    expect(mail.text).toContain('service account "etl"');
    expect(mail.subject).toBe('Your Agnes token "ci" expires in 7 days');
    expect(line(mail.text, "Scopes")).toBe("query");
  }
});
