// Reset links by email: with SMTP_URL the link is mailed to the user after the commit and
// `email_sent` says whether the server took it; a refusing or unreachable server still leaves the
// admin a working link, and neither the token nor the SMTP password reaches the log.
import { afterEach, describe, expect, test } from "bun:test";
import { ADMIN_EMAIL, createTestApp, type TestApp } from "../helpers/app";
import { messageText, startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";
import { freePort } from "../helpers/ports";
import type { AuditEntry, ResetLink } from "../../src/shared/contract";

// argon2 (~80 ms a hash, several times that on a busy 2-core runner) makes some tests take seconds.

const SMTP_USER = "agnes-mailer";
const SMTP_PASSWORD = "smtp-S3cret/pass";
const USER_EMAIL = "forgetful@example.com";

let t: TestApp;
let sink: SmtpSink | null = null;
let admin: string;
let userId: string;

afterEach(async () => {
  await t.close();
  sink?.stop();
  sink = null;
});

function smtpUrl(port: number): string {
  return `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASSWORD)}@127.0.0.1:${port}`;
}

async function setUp(env: Record<string, string> = {}): Promise<void> {
  // SMTP_URL needs PUBLIC_URL: emailed links are never built from a request's Host header.
  t = await createTestApp({ env: env.SMTP_URL ? { PUBLIC_URL: "http://localhost", ...env } : env });
  admin = await t.login();
  userId = await t.createUser(USER_EMAIL, "old-password-1", "analyst", "Forgetful <b>Fred</b>");
}

async function issue(): Promise<ResetLink> {
  const res = await t.api("POST", `/api/users/${userId}/reset-password`, { token: admin });
  expect(res.status).toBe(200);
  return (await res.json()) as ResetLink;
}

const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;

async function emailAudit(): Promise<AuditEntry[]> {
  const res = await t.api("GET", `/api/audit?target=${userId}`, { token: admin });
  return ((await res.json()) as AuditEntry[]).filter((e) => e.action === "user.reset_link_email");
}

function expectNoSecretsLogged(link: ResetLink): void {
  const log = t.log.lines.join("\n");
  for (const secret of [link.reset_token, SMTP_PASSWORD, encodeURIComponent(SMTP_PASSWORD)]) expect(log).not.toContain(secret);
}

/** Confirms "Create a reset link" on the person's page as a signed-in admin and returns the page it lands on. */
async function resetFromAdminPage(): Promise<string> {
  const b = await t.browser();
  return b.submit(`/admin/users/${userId}/reset-link`, { confirm: "yes" });
}

describe("with SMTP_URL pointing at a working server", () => {
  test("the user gets exactly one email with a working link; email_sent is true", async () => {
    sink = await startSmtpSink();
    await setUp({ SMTP_URL: smtpUrl(sink.port), SMTP_FROM: "Agnes Test <agnes@example.org>" });
    const link = await issue();
    expect(link.email_sent).toBe(true);

    expect(sink.messages).toHaveLength(1);
    const message = sink.messages[0]!;
    expect(message.to).toEqual([USER_EMAIL]);
    expect(message.from).toBe("agnes@example.org");
    expect(message.auth).toEqual({ user: SMTP_USER, pass: SMTP_PASSWORD });
    const { headers, text } = messageText(message.data);
    expect(headers).toMatch(/^Subject: Reset your Agnes password$/m);
    expect(headers).toMatch(/^To: forgetful@example\.com$/m);
    expect(headers).toMatch(/^From: Agnes Test <agnes@example\.org>$/m);
    expect(text).toContain(link.reset_url);
    expect(text).toContain(ADMIN_EMAIL);
    expect(text).toContain("24 hours");
    expect(text).toContain("ignore it");

    const mailed = /(http:\/\/\S+)/.exec(text)![1]!;
    expect(mailed).toBe(link.reset_url);
    const page = await t.handle(pathOf(mailed));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(USER_EMAIL);

    const [entry] = await emailAudit();
    expect(entry!.params).toEqual({ to: USER_EMAIL, email_sent: true });
    expect(JSON.stringify(await emailAudit())).not.toContain(link.reset_token);
    expectNoSecretsLogged(link);
  });

  test("the admin page says the link was emailed, and still shows it once", async () => {
    sink = await startSmtpSink();
    await setUp({ SMTP_URL: smtpUrl(sink.port) });
    const html = await resetFromAdminPage();
    expect(html).toContain(`Reset link emailed to <span>${USER_EMAIL}</span>`);
    expect(html).toContain(`created and emailed to them`);
    const shown = /<code class="reset-link">([^<]+)<\/code>/.exec(html)![1]!;
    expect(sink.messages).toHaveLength(1);
    expect(messageText(sink.messages[0]!.data).text).toContain(shown);
    expect(sink.messages[0]!.from).toBe("agnes@localhost");
  });
});

describe("when the email cannot be sent, the link is still made and returned", () => {
  test("nothing listens on the SMTP port: 200, email_sent false, the link works, the log has no secret", async () => {
    await setUp({ SMTP_URL: smtpUrl(freePort()) });
    const link = await issue();
    expect(link.email_sent).toBe(false);
    expect((await t.handle(pathOf(link.reset_url))).status).toBe(200);
    const failure = t.log.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === "password_reset.email_failed");
    expect(failure).toMatchObject({ level: "warn", user_id: userId, smtp_server: expect.stringMatching(/^smtp:\/\/127\.0\.0\.1:\d+$/) });
    expectNoSecretsLogged(link);
    expect((await emailAudit())[0]!.params).toEqual({ to: USER_EMAIL, email_sent: false });
  });

  test("the server refuses the login: email_sent false, the password is not in the log", async () => {
    sink = await startSmtpSink({ reject: "auth" });
    await setUp({ SMTP_URL: smtpUrl(sink.port) });
    const link = await issue();
    expect(link.email_sent).toBe(false);
    expect(sink.messages).toHaveLength(0);
    expect(t.log.lines.join("\n")).toContain('"code":"EAUTH"');
    expectNoSecretsLogged(link);
    expect((await t.handle(pathOf(link.reset_url))).status).toBe(200);
  });

  test("the server refuses the recipient: email_sent false, nothing delivered", async () => {
    sink = await startSmtpSink({ reject: "rcpt" });
    await setUp({ SMTP_URL: smtpUrl(sink.port) });
    const link = await issue();
    expect(link.email_sent).toBe(false);
    expect(sink.messages).toHaveLength(0);
    expect(t.log.lines.join("\n")).toContain('"response_code":550');
    expectNoSecretsLogged(link);
  });

  test("the admin page says emailing failed and shows the link to pass on", async () => {
    await setUp({ SMTP_URL: smtpUrl(freePort()) });
    const html = await resetFromAdminPage();
    expect(html).toContain('class="flash flash-error"');
    expect(html).toContain("but emailing it failed");
    expect(html).toContain("It was not");
    expect(html).not.toContain("Reset link emailed to");
    const shown = /<code class="reset-link">([^<]+)<\/code>/.exec(html)![1]!;
    expect((await t.handle(pathOf(shown))).status).toBe(200);
  });
});

describe("without SMTP_URL", () => {
  test("email_sent is false, no mail is attempted and nothing about email is logged or audited", async () => {
    await setUp();
    expect(t.ctx.mailer).toBeNull();
    const link = await issue();
    expect(link.email_sent).toBe(false);
    expect(t.log.lines.join("\n")).not.toContain("password_reset.email");
    expect(await emailAudit()).toEqual([]);
    const html = await resetFromAdminPage();
    expect(html).toContain(`Reset link for ${USER_EMAIL} created.`);
    expect(html).not.toContain("flash-error");
  });
});
