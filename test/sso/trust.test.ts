// Trust between identity providers is explicit (issue 20, part 1). Two real oidc-provider
// instances: "corp" owns corp.example (its ALLOWED_DOMAINS), "partner" owns partner.example. A third,
// "bridge", is trusted to claim corp.example accounts by email (LINK_DOMAINS). Each tries to claim
// the others' people: by verified email, and by Unicode look-alikes of their addresses.
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { auditActions, signInAs, ssoFixture, whoAmI, type SsoFixture } from "./harness";

let f: SsoFixture;
let adminToken: string;
const ids: Record<string, string> = {};
beforeAll(async () => {
  f = await ssoFixture(["corp", "partner", "bridge"], {
    OIDC_CORP_ALLOWED_DOMAINS: "corp.example",
    OIDC_PARTNER_ALLOWED_DOMAINS: "partner.example",
    OIDC_BRIDGE_LINK_DOMAINS: "corp.example",
  });
  adminToken = await f.t.login();
  ids.kate = await f.t.createUser("kate@corp.example", "kate-password-1", "analyst");
  ids.boss = await f.t.createUser("boss@corp.example", "boss-password-1", "admin");
});
afterAll(() => f?.stop());
// Refused callbacks spend failure slots per client address; every test starts with a fresh window.
beforeEach(() => f.t.clock.advance(16 * 60_000));

const identitiesOf = (userId: string) =>
  f.t.ctx.db.query<{ provider: string; subject: string }>("SELECT provider, subject FROM oidc_identities WHERE user_id = $1 ORDER BY provider", [userId]);
const lastRefusal = async () => (await auditActions(f.t, "auth.login_refused")).at(-1);

test("a provider claiming an account outside its trusted domains is refused (admins included); nothing is linked", async () => {
  for (const [who, email] of [
    ["kate", "kate@corp.example"],
    ["boss", "Boss@Corp.example"],
  ] as const) {
    f.providers.partner!.accounts.set(`partner-${who}`, { email, email_verified: true });
    const res = await signInAs(f.t, "partner", `partner-${who}`);
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("access_token="))).toBe(false);
    const html = await res.text();
    expect(html).toContain(`Partner is not trusted to sign in to accounts of corp.example by email`);
    expect(html).toContain("Ask an Agnes administrator to link your Partner identity");
    expect(html).toContain(`<code>partner-${who}</code>`);
    expect(await identitiesOf(ids[who]!)).toEqual([]);
    expect(await lastRefusal()).toMatchObject({ reason: "link_not_allowed", provider: "partner", subject: `partner-${who}` });
  }
  const [refusal] = await f.t.ctx.db.query<{ target: string }>(
    "SELECT target FROM audit_log WHERE action = 'auth.login_refused' AND params LIKE '%partner-boss%'",
  );
  expect(refusal!.target).toBe(ids.boss!);
});

test("with the domain in OIDC_<ID>_LINK_DOMAINS the provider links the existing account", async () => {
  f.providers.bridge!.accounts.set("bridge-kate", { email: "kate@corp.example", email_verified: true });
  const me = await whoAmI(f.t, await signInAs(f.t, "bridge", "bridge-kate"));
  expect(me).toMatchObject({ id: ids.kate, email: "kate@corp.example" });
  expect(await identitiesOf(ids.kate!)).toEqual([{ provider: "bridge", subject: "bridge-kate" }]);
  // LINK_DOMAINS only links: it creates no account for a newcomer.
  f.providers.bridge!.accounts.set("bridge-new", { email: "newcomer@corp.example", email_verified: true });
  expect((await signInAs(f.t, "bridge", "bridge-new")).status).toBe(403);
  expect(await lastRefusal()).toMatchObject({ reason: "not_invited" });
});

test("the Kelvin sign is refused, not folded onto kate@corp.example, even at the domain's own provider", async () => {
  f.providers.corp!.accounts.set("corp-kelvin", { email: "\u212Aate@corp.example", email_verified: true });
  const res = await signInAs(f.t, "corp", "corp-kelvin");
  expect(res.status).toBe(403);
  expect(await res.text()).toContain(
    "Agnes does not accept the email address Corp shared for you: it contains characters that look like others (U+212A). Ask your administrator.",
  );
  expect(await lastRefusal()).toMatchObject({ reason: "unsafe_email", provider: "corp" });
  expect((await identitiesOf(ids.kate!)).map((i) => i.provider)).not.toContain("corp");
});

test("a fullwidth look-alike or a mixed-script address creates no separate look-alike account", async () => {
  for (const [sub, email] of [
    ["corp-fullwidth", "\uFF42oss@corp.example"],
    ["corp-cyrillic", "b\u043Ess@corp.example"],
  ]) {
    f.providers.corp!.accounts.set(sub!, { email: email!, email_verified: true });
    const res = await signInAs(f.t, "corp", sub!);
    expect(res.status).toBe(403);
    expect(await lastRefusal()).toMatchObject({ reason: "unsafe_email" });
  }
  const users = await f.t.ctx.db.query<{ email: string }>("SELECT email FROM users WHERE email LIKE '%oss@corp.example' OR email LIKE '%\uFF42%'");
  expect(users).toEqual([{ email: "boss@corp.example" }]);
});

test("the domain's own provider still creates and claims its people", async () => {
  f.providers.corp!.accounts.set("corp-boss", { email: "boss@corp.example", email_verified: true });
  expect((await whoAmI(f.t, await signInAs(f.t, "corp", "corp-boss"))).id).toBe(ids.boss!);
  expect((await f.t.api("GET", `/api/users/${ids.boss}/identities`, { token: adminToken })).status).toBe(200);
});
