// Invitations: an admin invites by email, the link (emailed through a real SMTP server, parsed back)
// opens /invite/<token>, where the person chooses a name and password and is signed in. Hostile:
// the link used twice, after revocation, after a resend, by two submissions at once; `groups`, which
// this server cannot apply, is refused rather than dropped.
import { afterEach, describe, expect, test } from "bun:test";
import { ADMIN_EMAIL, cookieFrom, createTestApp, type TestApp } from "../helpers/app";
import { linkIn, startSmtpServer, type TestSmtpServer } from "../helpers/smtp-server";
import type { AuditEntry, CreatedInvitation, Invitation, Me } from "../../src/shared/contract";

const INVITEE = "new.person@example.com";
const FORM = { "content-type": "application/x-www-form-urlencoded", accept: "text/html" };

let t: TestApp;
let smtp: TestSmtpServer | null = null;
let admin: string;

afterEach(async () => {
  await t.close();
  await smtp?.stop();
  smtp = null;
});

async function setUp(withSmtp: boolean, env: Record<string, string> = {}) {
  if (withSmtp) smtp = await startSmtpServer();
  const mail: Record<string, string> = smtp ? { SMTP_URL: smtp.url, PUBLIC_URL: "http://localhost", SMTP_FROM: "Agnes Team <agnes@example.com>" } : {};
  t = await createTestApp({ env: { ...mail, ...env } });
  admin = await t.login();
}

async function invite(body: Record<string, unknown> = { email: INVITEE, role: "viewer" }): Promise<CreatedInvitation> {
  const res = await t.api("POST", "/api/invitations", { token: admin, body });
  expect(res.status).toBe(201);
  return (await res.json()) as CreatedInvitation;
}

function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}

function accept(path: string, fields: Record<string, string> = { name: "New <b>Person</b>", password: "my-own-pass-1", password_confirm: "my-own-pass-1" }) {
  return t.handle(path, { method: "POST", headers: FORM, body: new URLSearchParams(fields) });
}

async function auditActions(): Promise<AuditEntry[]> {
  return (await (await t.api("GET", "/api/audit?limit=50", { token: admin })).json()) as AuditEntry[];
}

describe("inviting and accepting", () => {
  test("the emailed link (text and HTML) creates the account with the invited role and signs the person in", async () => {
    await setUp(true);
    const created = await invite();
    expect(created).toMatchObject({ email: INVITEE, role: "viewer", state: "pending", invited_by: ADMIN_EMAIL, sent_count: 1, email_sent: true });
    expect(new Date(created.expires_at).getTime() - t.clock.now().getTime()).toBe(7 * 86_400_000);
    const [mail] = await smtp!.waitFor(1);
    expect(mail!.envelopeTo).toEqual([INVITEE]);
    expect(mail!.parsed.from?.value[0]).toEqual({ name: "Agnes Team", address: "agnes@example.com" });
    expect(mail!.parsed.subject).toBe("You are invited to Agnes at localhost");
    expect(mail!.parsed.text).toContain(`${ADMIN_EMAIL} invited you to Agnes at localhost, as viewer.`);
    expect(mail!.parsed.text).toContain("expires in 7 days");
    const link = linkIn(mail!, "/invite/");
    expect(link).toBe(created.invite_url);
    expect(mail!.parsed.html).toContain(`href="${link}"`);
    expect(mail!.parsed.html).toContain("expires in 7 days");

    const listed = (await (await t.api("GET", "/api/invitations", { token: admin })).json()) as Invitation[];
    expect(listed.map((i) => i.email)).toEqual([INVITEE]);
    expect(JSON.stringify(listed)).not.toContain(created.invite_url.split("/invite/")[1]!);

    const page = await t.handle(pathOf(link), { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(INVITEE);
    const done = await accept(pathOf(link));
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/dashboard");
    const session = cookieFrom(done, "access_token")!;
    const me = (await (await t.api("GET", "/auth/me", { token: session })).json()) as Me;
    expect(me).toMatchObject({ email: INVITEE, name: "New <b>Person</b>", role: "viewer", must_change_password: false });
    expect((await t.api("POST", "/auth/token", { body: { email: INVITEE, password: "my-own-pass-1" } })).status).toBe(200);

    expect((await (await t.api("GET", "/api/invitations", { token: admin })).json()) as Invitation[]).toEqual([]);
    const all = (await (await t.api("GET", "/api/invitations?state=all", { token: admin })).json()) as Invitation[];
    expect(all.map((i) => i.state)).toEqual(["accepted"]);
    const actions = (await auditActions()).map((e) => e.action);
    for (const action of ["invitation.create", "invitation.email", "user.create", "invitation.accept"]) expect(actions).toContain(action);
    const createEntry = (await auditActions()).find((e) => e.action === "user.create" && e.params.email === INVITEE)!;
    expect(createEntry.params.via).toBe("invitation");
  });

  test("without SMTP the link comes back to the admin, not emailed", async () => {
    await setUp(false);
    const created = await invite();
    expect(created.email_sent).toBe(false);
    expect(created.invite_url).toMatch(/^http:\/\/localhost\/invite\/[A-Za-z0-9_-]{43}$/);
  });

  test("the users page invites, reveals the link once, and lists, resends and revokes", async () => {
    await setUp(false);
    const browser = await t.browser();
    const landed = await browser.submit("/admin/users/invitations", { email: INVITEE, role: "analyst", back: "/admin/users" });
    const url = /<code class="invite-link">([^<]+)<\/code>/.exec(landed)?.[1];
    expect(url).toMatch(/\/invite\//);
    expect(landed).toContain(`data-invitation-id=`);
    const again = await (await browser.get("/admin/users")).text();
    expect(again).not.toContain(url!);
    const id = /data-invitation-id="([^"]+)"/.exec(again)![1]!;
    // Sending again asks first: the link already sent would stop working.
    const unconfirmed = await browser.post(`/admin/users/invitations/${id}/resend`, { back: "/admin/users" });
    expect(unconfirmed.status).toBe(303);
    expect(unconfirmed.headers.get("location")).toBe(`/admin/users/invitations/${id}/resend/confirm`);
    expect((await t.handle(pathOf(url!))).status).toBe(200);
    const asked = await (await browser.get(`/admin/users/invitations/${id}/resend/confirm`)).text();
    expect(asked).toContain(`Send ${INVITEE} a new invitation link?`);
    expect(asked).toContain("The link sent before stops working at once");
    expect(asked).toContain('name="confirm" value="yes"');
    const resent = await browser.submit(`/admin/users/invitations/${id}/resend`, { back: "/admin/users", confirm: "yes" });
    const newUrl = /<code class="invite-link">([^<]+)<\/code>/.exec(resent)?.[1];
    expect(newUrl).not.toBe(url);
    expect((await t.handle(pathOf(url!))).status).toBe(400);
    await browser.submit(`/admin/users/invitations/${id}/revoke`, { back: "/admin/users", confirm: "yes" });
    expect((await t.handle(pathOf(newUrl!))).status).toBe(410);
  });
});

describe("hostile", () => {
  test("a link used twice, after revocation, after a resend, or expired does not make an account", async () => {
    await setUp(false);
    const first = await invite();
    expect((await accept(pathOf(first.invite_url))).status).toBe(303);
    const twice = await accept(pathOf(first.invite_url), { name: "Mallory", password: "mallory-pass-1", password_confirm: "mallory-pass-1" });
    expect(twice.status).toBe(410);
    expect(await twice.text()).toContain("already been accepted");

    const revoked = await invite({ email: "revoked@example.com" });
    expect((await t.api("DELETE", `/api/invitations/${revoked.id}`, { token: admin })).status).toBe(204);
    expect((await accept(pathOf(revoked.invite_url))).status).toBe(410);
    expect((await t.api("POST", `/api/invitations/${revoked.id}/resend`, { token: admin })).status).toBe(409);

    const resent = await invite({ email: "resent@example.com" });
    const fresh = (await (await t.api("POST", `/api/invitations/${resent.id}/resend`, { token: admin })).json()) as CreatedInvitation;
    expect(fresh.sent_count).toBe(2);
    expect((await accept(pathOf(resent.invite_url))).status).toBe(400);

    const late = await invite({ email: "late@example.com" });
    t.clock.advance(7 * 86_400_000);
    expect((await accept(pathOf(late.invite_url))).status).toBe(410);
    admin = await t.login(); // the admin's 24-hour session ended with the week
    const users = (await (await t.api("GET", "/api/users", { token: admin })).json()) as { email: string }[];
    expect(users.map((u) => u.email).sort()).toEqual([ADMIN_EMAIL, INVITEE]);
  });

  test("two submissions of one link at once make one account", async () => {
    await setUp(false);
    const created = await invite();
    const answers = await Promise.all([accept(pathOf(created.invite_url)), accept(pathOf(created.invite_url)), accept(pathOf(created.invite_url))]);
    expect(answers.map((r) => r.status).sort()).toEqual([303, 410, 410]);
    const users = (await (await t.api("GET", `/api/users?q=${INVITEE}`, { token: admin })).json()) as unknown[];
    expect(users.length).toBe(1);
  });

  test("bad requests change nothing: groups (no groups here), duplicates, an existing account, a bad role, a non-admin", async () => {
    await setUp(false);
    const refused = await t.api("POST", "/api/invitations", { token: admin, body: { email: INVITEE, role: "viewer", groups: ["g1"] } });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { detail: string }).detail).toContain("groups");
    await invite();
    expect((await t.api("POST", "/api/invitations", { token: admin, body: { email: "New.Person@Example.com" } })).status).toBe(409);
    expect((await t.api("POST", "/api/invitations", { token: admin, body: { email: ADMIN_EMAIL } })).status).toBe(409);
    expect((await t.api("POST", "/api/invitations", { token: admin, body: { email: "x@example.com", role: "boss" } })).status).toBe(400);
    await t.createUser("analyst@example.com", "analyst-pass-1");
    const analyst = await t.login("analyst@example.com", "analyst-pass-1");
    expect((await t.api("POST", "/api/invitations", { token: analyst, body: { email: "y@example.com" } })).status).toBe(403);
    expect((await t.api("GET", "/api/invitations", { token: analyst })).status).toBe(403);
    expect((await t.api("DELETE", "/api/invitations/nope", { token: admin })).status).toBe(404);
    const listed = (await (await t.api("GET", "/api/invitations", { token: admin })).json()) as Invitation[];
    expect(listed.length).toBe(1);
  });

  test("guessing links spends the client's failure budget", async () => {
    await setUp(false);
    const guesses = await Promise.all(Array.from({ length: 14 }, (_, i) => t.handle(`/invite/${"A".repeat(42)}${String.fromCharCode(65 + i)}`)));
    const statuses = guesses.map((r) => r.status);
    expect(statuses.filter((s) => s === 400).length).toBe(10);
    expect(statuses.filter((s) => s === 429).length).toBe(4);
  });
});
