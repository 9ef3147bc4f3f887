// Expiry notices through a real SMTP conversation (test/helpers/smtp-sink.ts) with the clock moved:
// the owner hears 7 days and 1 day before a token expires, once each; a service account's expiring
// tokens go to every active admin.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { messageText, startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";
import { sendExpiryNotices } from "../../src/modules/tokens/expiry-notices";

const DAY = 86_400_000;
let t: TestApp;
let sink: SmtpSink;
let admin: string;
beforeEach(async () => {
  sink = await startSmtpSink();
  t = await createTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, PUBLIC_URL: "http://localhost" } });
  admin = await t.login();
});
afterEach(async () => {
  await t.close();
  sink.stop();
});

const sent = () => sink.messages.map((m) => ({ to: m.to, ...messageText(m.data) }));

test("7 days and 1 day before, once each, with the token's name, scopes and last use", async () => {
  const res = await t.api("POST", "/auth/tokens", { token: admin, body: { name: "deploy", expires_in_days: 30, scopes: ["query", "sync"] } });
  const { token } = (await res.json()) as { token: string };
  expect(await sendExpiryNotices(t.ctx)).toBe(0);
  t.clock.advance(22 * DAY);
  expect(await sendExpiryNotices(t.ctx)).toBe(0);
  t.clock.advance(1 * DAY + 60_000); // now 6 days and 23 hours 59 minutes left
  await t.api("GET", "/api/sync/manifest", { token });
  expect(await sendExpiryNotices(t.ctx)).toBe(1);
  expect(await sendExpiryNotices(t.ctx)).toBe(0);
  const [seven] = sent();
  expect(seven!.to).toEqual(["admin@example.com"]);
  expect(seven!.text).toContain("less than 7 days");
  expect(seven!.text).toContain('"deploy"');
  expect(seven!.text).toContain("Scopes: query, sync");
  expect(seven!.text).toMatch(/Last used: \d{4}-/);
  t.clock.advance(6 * DAY);
  expect(await sendExpiryNotices(t.ctx)).toBe(1);
  t.clock.advance(3_600_000);
  expect(await sendExpiryNotices(t.ctx)).toBe(0);
  expect(sent()[1]!.text).toContain("less than a day");
  t.clock.advance(DAY);
  expect(await sendExpiryNotices(t.ctx)).toBe(0);
  expect(sink.messages.length).toBe(2);
});

test("a token that lives one day gets only the one-day notice; revoked and never-expiring ones get none", async () => {
  await t.api("POST", "/auth/tokens", { token: admin, body: { name: "short", expires_in_days: 1 } });
  await t.api("POST", "/auth/tokens", { token: admin, body: { name: "forever", expires_in_days: null } });
  const gone = (await (await t.api("POST", "/auth/tokens", { token: admin, body: { name: "gone", expires_in_days: 3 } })).json()) as { id: string };
  await t.api("DELETE", `/auth/tokens/${gone.id}`, { token: admin });
  expect(await sendExpiryNotices(t.ctx)).toBe(1);
  t.clock.advance(12 * 3_600_000);
  expect(await sendExpiryNotices(t.ctx)).toBe(0);
  expect(sent().map((m) => /"([a-z]+)"/.exec(m.text)?.[1])).toEqual(["short"]);
});

test("a service account's expiring token is reported to every active admin", async () => {
  await t.createUser("second@example.com", "second-password-1", "admin");
  const account = (await (await t.api("POST", "/api/service-accounts", { token: admin, body: { name: "etl" } })).json()) as { id: string };
  await t.api("POST", `/api/service-accounts/${account.id}/tokens`, { token: admin, body: { name: "ci", expires_in_days: 5 } });
  expect(await sendExpiryNotices(t.ctx)).toBe(2);
  expect(
    sent()
      .flatMap((m) => m.to)
      .sort(),
  ).toEqual(["admin@example.com", "second@example.com"]);
  expect(sent()[0]!.text).toContain('service account "etl"');
});
