// First sign-in, invitations, the identity rule and deactivation, against a real OpenID Provider
// (oidc-provider on loopback), driven with fetch and manual cookies.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { auditActions, callback, signInAs, ssoFixture, startSignIn, atProvider, whoAmI, type SsoFixture } from "./harness";

let f: SsoFixture;
beforeAll(async () => {
  f = await ssoFixture(["acme"], { OIDC_ACME_ALLOWED_DOMAINS: "acme.example", OIDC_ACME_LINK_DOMAINS: "partner.example", OIDC_ACME_LABEL: "Acme <SSO>" });
});
afterAll(() => f?.stop());

const accounts = () => f.providers.acme!.accounts;

test("first sign-in with a verified email in an allowed domain creates a viewer and lands on next", async () => {
  accounts().set("sub-new", { email: "New.Person@ACME.example", email_verified: true, name: "New Person" });
  const res = await signInAs(f.t, "acme", "sub-new", "/profile?tab=tokens");
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/profile?tab=tokens");
  const me = await whoAmI(f.t, res);
  expect(me).toMatchObject({ email: "new.person@acme.example", role: "viewer" });
  expect(await auditActions(f.t, "user.create")).toContainEqual(
    expect.objectContaining({ email: "new.person@acme.example", role: "viewer", via: "oidc", provider: "acme" }),
  );
  expect(await auditActions(f.t, "auth.login")).toContainEqual(expect.objectContaining({ via: "oidc", provider: "acme" }));
  // The next sign-in finds the same account by (issuer, sub).
  expect((await whoAmI(f.t, await signInAs(f.t, "acme", "sub-new"))).id).toBe(me.id);
});

test("someone nobody invited, outside the allowed domains, is refused and nothing is created", async () => {
  accounts().set("sub-stranger", { email: "stranger@elsewhere.example", email_verified: true });
  const res = await signInAs(f.t, "acme", "sub-stranger");
  expect(res.status).toBe(403);
  const html = await res.text();
  expect(html).toContain("There is no Agnes account for stranger@elsewhere.example");
  expect(html).toContain('href="/login?next=%2Fdashboard"');
  expect(res.headers.getSetCookie().some((c) => c.startsWith("access_token="))).toBe(false);
  const users = await f.t.ctx.db.query("SELECT id FROM users WHERE email = 'stranger@elsewhere.example'");
  expect(users).toEqual([]);
  expect(await auditActions(f.t, "auth.login_refused")).toContainEqual(
    expect.objectContaining({ reason: "not_invited", provider: "acme", email: "stranger@elsewhere.example" }),
  );
});

test("a person an admin added signs in by verified email (any case), and is bound to that sub from then on", async () => {
  await f.t.createUser("invited@partner.example", "invited-password-1", "analyst");
  accounts().set("sub-invited", { email: "  INVITED@Partner.Example ", email_verified: true });
  const first = await whoAmI(f.t, await signInAs(f.t, "acme", "sub-invited"));
  expect(first).toMatchObject({ email: "invited@partner.example", role: "analyst" });
  expect(await auditActions(f.t, "sso.identity_linked")).toContainEqual(expect.objectContaining({ provider: "acme", subject: "sub-invited" }));

  // The email changes at the provider to another person's address: the sub still decides.
  await f.t.createUser("victim@partner.example", "victim-password-1", "admin");
  accounts().set("sub-invited", { email: "victim@partner.example", email_verified: true });
  expect((await whoAmI(f.t, await signInAs(f.t, "acme", "sub-invited"))).email).toBe("invited@partner.example");

  // A second account at the same provider claiming the bound person's email cannot take it over.
  accounts().set("sub-impostor", { email: "invited@partner.example", email_verified: true });
  const res = await signInAs(f.t, "acme", "sub-impostor");
  expect(res.status).toBe(403);
  expect(await auditActions(f.t, "auth.login_refused")).toContainEqual(expect.objectContaining({ reason: "identity_conflict" }));
});

test("an unverified email is refused, even in an allowed domain or for an existing account", async () => {
  accounts().set("sub-unverified", { email: "unverified@acme.example", email_verified: false });
  const res = await signInAs(f.t, "acme", "sub-unverified");
  expect(res.status).toBe(403);
  expect(await res.text()).toContain("has not verified your email address");
  expect(await f.t.ctx.db.query("SELECT id FROM users WHERE email = 'unverified@acme.example'")).toEqual([]);

  await f.t.createUser("takeover@acme.example", "takeover-password-1", "admin");
  accounts().set("sub-takeover", { email: "takeover@acme.example" }); // no email_verified claim at all
  expect((await signInAs(f.t, "acme", "sub-takeover")).status).toBe(403);
  const refusals = (await auditActions(f.t, "auth.login_refused")).filter((p) => p.reason === "unverified_email");
  expect(refusals.length).toBe(2);
  expect(await f.t.ctx.db.query("SELECT subject FROM oidc_identities WHERE subject IN ('sub-unverified', 'sub-takeover')")).toEqual([]);
});

test("a deactivated user is refused at the callback, and deactivating ends their SSO sessions at once", async () => {
  accounts().set("sub-leaver", { email: "leaver@acme.example", email_verified: true });
  const signedIn = await signInAs(f.t, "acme", "sub-leaver");
  const me = await whoAmI(f.t, signedIn);
  const admin = await f.t.login();
  expect((await f.t.api("POST", `/api/users/${me.id}/deactivate`, { token: admin })).status).toBe(200);
  const jwt = signedIn.headers
    .getSetCookie()
    .find((c) => c.startsWith("access_token="))!
    .split(";")[0]!
    .slice("access_token=".length);
  expect((await f.t.api("GET", "/auth/me", { token: jwt })).status).toBe(401);

  const res = await signInAs(f.t, "acme", "sub-leaver");
  expect(res.status).toBe(403);
  expect(await res.text()).toContain("deactivated");
  expect(await auditActions(f.t, "auth.login_refused")).toContainEqual(expect.objectContaining({ reason: "deactivated" }));
});

test("the provider's label is escaped on the pages it appears on", async () => {
  const started = await startSignIn(f.t, "acme");
  const url = await atProvider("acme", started, "sub-new", true);
  const res = await callback(f.t, url, started.attemptCookie);
  expect(res.status).toBe(403);
  const html = await res.text();
  expect(html).toContain("cancelled or refused at Acme &lt;SSO&gt;");
  expect(html).not.toContain("<SSO>");
});
