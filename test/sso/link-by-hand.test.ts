// Linking is an admin's explicit decision: GET/POST /api/users/{id}/identities and
// DELETE /api/users/{id}/identities/{provider}, and the matching forms on the users page. A provider
// refused for claiming an account by email gets in once an admin links its subject, and no longer
// once it is unlinked.
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { auditActions, signInAs, ssoFixture, whoAmI, type SsoFixture } from "./harness";

let f: SsoFixture;
let admin: string;
let kate: string;
let other: string;
beforeAll(async () => {
  f = await ssoFixture(["corp", "partner"], { OIDC_CORP_ALLOWED_DOMAINS: "corp.example", OIDC_PARTNER_LABEL: "Partner <IdP>" });
  admin = await f.t.login();
  kate = await f.t.createUser("kate@corp.example", "kate-password-1", "analyst");
  other = await f.t.createUser("other@corp.example", "other-password-1", "analyst");
  f.providers.partner!.accounts.set("partner-kate", { email: "kate@corp.example", email_verified: true });
});
afterAll(() => f?.stop());
beforeEach(() => f.t.clock.advance(16 * 60_000));

const link = (userId: string, body: unknown, token = admin) => f.t.api("POST", `/api/users/${userId}/identities`, { token, body });
const detail = async (res: Response) => ((await res.json()) as { detail: string }).detail;

test("an admin links a refused identity by hand; the person then signs in through it; unlinking ends that", async () => {
  expect((await signInAs(f.t, "partner", "partner-kate")).status).toBe(403);
  expect(await (await f.t.api("GET", `/api/users/${kate}/identities`, { token: admin })).json()).toEqual([]);

  const res = await link(kate, { provider: "partner", subject: "partner-kate" });
  expect(res.status).toBe(201);
  expect(await res.json()).toMatchObject({ provider: "partner", label: "Partner <IdP>", subject: "partner-kate", email: null, last_login_at: null });
  expect(await auditActions(f.t, "sso.identity_linked")).toContainEqual(
    expect.objectContaining({ provider: "partner", subject: "partner-kate", via: "admin" }),
  );
  const [row] = await f.t.ctx.db.query<{ actor_email: string }>("SELECT actor_email FROM audit_log WHERE action = 'sso.identity_linked'");
  expect(row!.actor_email).toBe("admin@example.com");

  expect((await whoAmI(f.t, await signInAs(f.t, "partner", "partner-kate"))).id).toBe(kate);
  const listed = (await (await f.t.api("GET", `/api/users/${kate}/identities`, { token: admin })).json()) as { last_login_at: string | null }[];
  expect(listed).toHaveLength(1);
  expect(listed[0]!.last_login_at).not.toBeNull();

  expect((await f.t.api("DELETE", `/api/users/${kate}/identities/partner`, { token: admin })).status).toBe(204);
  expect(await auditActions(f.t, "sso.identity_unlinked")).toContainEqual(expect.objectContaining({ provider: "partner", subject: "partner-kate" }));
  expect((await f.t.api("DELETE", `/api/users/${kate}/identities/partner`, { token: admin })).status).toBe(404);
  expect((await signInAs(f.t, "partner", "partner-kate")).status).toBe(403);
});

test("conflicts (409), bad input (400/422), unknown users (404), and who may call (401/403); nothing changes", async () => {
  expect((await link(other, { provider: "corp", subject: "corp-other" })).status).toBe(201);
  const taken = await link(kate, { provider: "corp", subject: "corp-other" });
  expect(taken.status).toBe(409);
  expect(await detail(taken)).toBe("This Corp identity is already linked to another account");
  const second = await link(other, { provider: "corp", subject: "corp-second" });
  expect(second.status).toBe(409);
  expect(await detail(second)).toBe("other@corp.example already has a Corp identity: unlink it first");

  const unknown = await link(kate, { provider: "nope", subject: "x" });
  expect(unknown.status).toBe(400);
  expect(await detail(unknown)).toBe("Unknown provider: expected one of corp, partner");
  for (const subject of ["", "has space", "tab\there", "x".repeat(256), "\u212Aate"])
    expect((await link(kate, { provider: "corp", subject })).status).toBe(400);
  expect((await link(kate, { provider: "corp" })).status).toBe(422);
  expect((await link("no-such-user", { provider: "corp", subject: "corp-x" })).status).toBe(404);
  expect((await f.t.api("GET", "/api/users/no-such-user/identities", { token: admin })).status).toBe(404);

  const analyst = await f.t.login("kate@corp.example", "kate-password-1");
  expect((await link(kate, { provider: "corp", subject: "corp-kate" }, analyst)).status).toBe(403);
  expect((await f.t.api("DELETE", `/api/users/${other}/identities/corp`, { token: analyst })).status).toBe(403);
  expect((await f.t.api("GET", `/api/users/${kate}/identities`)).status).toBe(401);
  expect(await f.t.ctx.db.query("SELECT provider, subject FROM oidc_identities WHERE user_id IN ($1, $2) ORDER BY subject", [kate, other])).toEqual([
    { provider: "corp", subject: "corp-other" },
  ]);
});

test("the person page links with a provider select and a subject field, and unlinks through a confirmation page", async () => {
  const browser = await f.t.browser();
  const page = await (await browser.get(`/admin/users/${kate}`)).text();
  expect(page).toContain(`action="/admin/users/${kate}/identities"`);
  expect(page).toContain('<option value="partner">Partner &lt;IdP&gt;</option>');
  const linked = await browser.submit(`/admin/users/${kate}/identities`, { provider: "partner", subject: "partner-form", back: `/admin/users/${kate}` });
  expect(linked).toContain("Linked the Partner &lt;IdP&gt; identity partner-form to kate@corp.example.");
  expect(linked).toContain(`href="/admin/users/${kate}/identities/partner/unlink"`);

  const confirm = await (await browser.get(`/admin/users/${kate}/identities/partner/unlink`)).text();
  expect(confirm).toContain("Unlink the Partner &lt;IdP&gt; identity of kate@corp.example?");
  expect(confirm).toContain("partner-form");
  const notConfirmed = await browser.post(`/admin/users/${kate}/identities/partner/unlink`, {});
  expect(notConfirmed.status).toBe(303);
  expect(await f.t.ctx.db.query("SELECT subject FROM oidc_identities WHERE user_id = $1", [kate])).toEqual([{ subject: "partner-form" }]);
  const done = await browser.submit(`/admin/users/${kate}/identities/partner/unlink`, { confirm: "yes" });
  expect(done).toContain("Unlinked the partner identity of kate@corp.example.");
  expect(await f.t.ctx.db.query("SELECT subject FROM oidc_identities WHERE user_id = $1", [kate])).toEqual([]);
  expect((await browser.get(`/admin/users/${kate}/identities/partner/unlink`)).status).toBe(404);
});
