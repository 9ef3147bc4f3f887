// "Forgot password" (/forgot): a single-use reset link emailed (text and HTML, through a real SMTP
// server, parsed back) to an active account; the same answer for every address; limited per address
// asked for and per client; off without SMTP or with PASSWORD_LOGIN=off. Timing: bench/forgot-timing.ts.
import { afterEach, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { linkIn, startSmtpServer, type TestSmtpServer } from "../helpers/smtp-server";
import type { AuditEntry } from "../../src/shared/contract";

const USER = "forgetful@example.com";
const FORM = { "content-type": "application/x-www-form-urlencoded", accept: "text/html" };

let t: TestApp;
let smtp: TestSmtpServer | null = null;

afterEach(async () => {
  await t.close();
  await smtp?.stop();
  smtp = null;
});

async function setUp(env: Record<string, string> = {}, withSmtp = true) {
  if (withSmtp) smtp = await startSmtpServer();
  t = await createTestApp({ env: { ...(smtp ? { SMTP_URL: smtp.url, PUBLIC_URL: "http://localhost" } : {}), ...env } });
  await t.createUser(USER, "old-password-1");
}

function ask(email: string, from?: string) {
  const headers: Record<string, string> = { ...FORM, ...(from ? { "x-forwarded-for": from } : {}) };
  return t.handle("/forgot", { method: "POST", headers, body: new URLSearchParams({ email }) });
}

async function answerOf(res: Response) {
  const location = res.headers.get("location");
  const page = location ? await (await t.handle(location, { headers: { accept: "text/html" } })).text() : await res.text();
  return { status: res.status, location, page };
}

async function forgotAudit(): Promise<AuditEntry[]> {
  const admin = await t.login();
  return (await (await t.api("GET", "/api/audit?action=auth.password_forgot", { token: admin })).json()) as AuditEntry[];
}

describe("the emailed link", () => {
  test("arrives as text and HTML with the server's name and expiry, sets a new password once", async () => {
    await setUp();
    expect(await (await t.handle("/login", { headers: { accept: "text/html" } })).text()).toContain('href="/forgot"');
    const res = await ask(USER);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/forgot?sent=1");
    const [mail] = await smtp!.waitFor(1);
    expect(mail!.envelopeTo).toEqual([USER]);
    expect(mail!.parsed.subject).toBe("Reset your password on Agnes at localhost");
    expect(mail!.parsed.text).toContain("expires in 1 hour");
    const link = linkIn(mail!, "/auth/password/reset?token=");
    expect(mail!.parsed.html).toContain(`href="${link.replace(/&/g, "&amp;")}"`);
    const path = new URL(link).pathname + new URL(link).search;
    const token = new URL(link).searchParams.get("token")!;
    const form = new URLSearchParams({ token, password: "brand-new-pass-1", password_confirm: "brand-new-pass-1" });
    expect((await t.handle(path, { method: "POST", headers: FORM, body: form })).status).toBe(303);
    expect((await t.api("POST", "/auth/token", { body: { email: USER, password: "brand-new-pass-1" } })).status).toBe(200);
    expect((await t.handle(path, { method: "POST", headers: FORM, body: form })).status).toBe(410);
    const [entry] = await forgotAudit();
    expect(entry!.params).toEqual({ outcome: "emailed" });
  });

  test("the link expires after an hour", async () => {
    await setUp();
    await ask(USER);
    const [mail] = await smtp!.waitFor(1);
    t.clock.advance(3_600_000);
    const link = new URL(linkIn(mail!, "/auth/password/reset?token="));
    expect((await t.handle(link.pathname + link.search, { headers: { accept: "text/html" } })).status).toBe(410);
  });
});

describe("enumeration", () => {
  test("an account, a deactivated account and no account get the same answer; only the active one gets mail", async () => {
    await setUp();
    const admin = await t.login();
    const goneId = await t.createUser("gone@example.com", "gone-password-1");
    expect((await t.api("POST", `/api/users/${goneId}/deactivate`, { token: admin })).status).toBe(200);
    const answers = [];
    for (const email of ["nobody@example.com", "gone@example.com", USER]) answers.push(await answerOf(await ask(email)));
    expect(answers[1]).toEqual(answers[0]!);
    expect(answers[2]).toEqual(answers[0]!);
    await smtp!.waitFor(1);
    await Bun.sleep(200); // the earlier two were sent off first; give a stray one time to show up
    expect(smtp!.messages.map((m) => m.envelopeTo[0])).toEqual([USER]);
    const outcomes = (await forgotAudit()).map((e) => e.params.outcome).sort();
    expect(outcomes).toEqual(["deactivated", "emailed"]);
  });

  test("a malformed address is told so (it names no account)", async () => {
    await setUp();
    const res = await ask("not an email");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Enter a valid email address.");
  });
});

describe("limits", () => {
  test("a parallel flood for one address sends at most 5 emails an hour; each client address asks at most 10 times", async () => {
    await setUp({ TRUST_PROXY: "1" });
    const flood = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(USER, `198.51.100.${i + 1}`)));
    const statuses = flood.map((r) => r.status);
    expect(statuses.filter((s) => s === 303).length).toBe(5);
    expect(statuses.filter((s) => s === 429).length).toBe(15);
    expect(flood.find((r) => r.status === 429)!.headers.get("retry-after")).toBeTruthy();
    await smtp!.waitFor(5);
    await Bun.sleep(200);
    expect(smtp!.messages.length).toBe(5);

    const one = await Promise.all(Array.from({ length: 14 }, (_, i) => ask(`someone${i}@example.com`, "203.0.113.9")));
    expect(one.map((r) => r.status).filter((s) => s === 429).length).toBe(4);
  });
});

describe("when it is off", () => {
  test("without SMTP /forgot is 404 and the login page sends people to an admin", async () => {
    await setUp({}, false);
    expect((await t.handle("/forgot", { headers: { accept: "text/html" } })).status).toBe(404);
    expect((await ask(USER)).status).toBe(404);
    expect(await (await t.handle("/login", { headers: { accept: "text/html" } })).text()).toContain("Ask an administrator");
  });
});
