// Accepting an invitation with single sign-on, against a real OpenID Provider: the /invite page's
// "Accept with …" starts a sign-in whose attempt carries the invitation; the callback creates the
// account with the invited role and binds the provider's identity. The provider must vouch for the
// invited address (verified, equal), and the link still works once, whichever way it is used.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cookieFrom } from "../helpers/app";
import type { CreatedInvitation } from "../../src/shared/contract";
import { atProvider, auditActions, callback, signInAs, ssoFixture, whoAmI, type SsoFixture, type Started } from "./harness";

let f: SsoFixture;
let admin: string;
beforeAll(async () => {
  // No allowed domain: without the invitation, the provider could create nobody.
  f = await ssoFixture(["corp"], { OIDC_CORP_LABEL: "Corp" });
  admin = await f.t.login();
});
afterAll(() => f?.stop());

const accounts = () => f.providers.corp!.accounts;

async function invite(email: string): Promise<string> {
  const res = await f.t.api("POST", "/api/invitations", { token: admin, body: { email, role: "viewer" } });
  expect(res.status).toBe(201);
  return new URL(((await res.json()) as CreatedInvitation).invite_url).pathname;
}

async function startFromInvite(path: string): Promise<Started> {
  const page = await (await f.t.handle(path, { headers: { accept: "text/html" } })).text();
  const href = /href="(\/auth\/oidc\/corp\/start\?invite=[^"]+)"/.exec(page)?.[1];
  expect(href).toBeTruthy();
  const res = await f.t.handle(href!.replace(/&amp;/g, "&"), { headers: { accept: "text/html" } });
  expect(res.status).toBe(302);
  return { attemptCookie: cookieFrom(res, "agnes_oidc")!, authorizationUrl: res.headers.get("location")! };
}

test("accepting with the provider creates the account with the invited role and binds the identity", async () => {
  const path = await invite("ida@corp.example");
  accounts().set("sub-ida", { email: "Ida@Corp.example", email_verified: true, name: "Ida" });
  const started = await startFromInvite(path);
  const res = await callback(f.t, await atProvider("corp", started, "sub-ida"), started.attemptCookie);
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/dashboard");
  const me = await whoAmI(f.t, res);
  expect(me).toMatchObject({ email: "ida@corp.example", role: "viewer" });
  expect(await auditActions(f.t, "invitation.accept")).toContainEqual(expect.objectContaining({ email: "ida@corp.example", via: "oidc", provider: "corp" }));
  expect(await auditActions(f.t, "sso.identity_linked")).toContainEqual(expect.objectContaining({ provider: "corp", subject: "sub-ida" }));
  // Bound: the next sign-in through the provider finds the account by (issuer, sub).
  expect((await whoAmI(f.t, await signInAs(f.t, "corp", "sub-ida"))).id).toBe(me.id);
  // Spent: the link no longer works, by password or by provider.
  expect((await f.t.handle(path, { headers: { accept: "text/html" } })).status).toBe(410);
});

test("a provider vouching for another address, or an unverified one, cannot accept it; the link stays usable", async () => {
  const path = await invite("jo@corp.example");
  accounts().set("sub-mallory", { email: "mallory@corp.example", email_verified: true });
  let started = await startFromInvite(path);
  let res = await callback(f.t, await atProvider("corp", started, "sub-mallory"), started.attemptCookie);
  expect(res.status).toBe(403);
  expect(await res.text()).toContain("This invitation is for jo@corp.example");
  accounts().set("sub-jo-unverified", { email: "jo@corp.example", email_verified: false });
  started = await startFromInvite(path);
  res = await callback(f.t, await atProvider("corp", started, "sub-jo-unverified"), started.attemptCookie);
  expect(res.status).toBe(403);
  expect(await f.t.ctx.db.query("SELECT id FROM users WHERE email IN ('jo@corp.example', 'mallory@corp.example')")).toEqual([]);
  expect(await auditActions(f.t, "auth.login_refused")).toContainEqual(expect.objectContaining({ reason: "invitation_mismatch", provider: "corp" }));
  expect((await f.t.handle(path, { headers: { accept: "text/html" } })).status).toBe(200);
});

test("a link revoked while the person is at the provider, or a made-up one, creates nothing", async () => {
  const path = await invite("kim@corp.example");
  accounts().set("sub-kim", { email: "kim@corp.example", email_verified: true });
  const started = await startFromInvite(path);
  const id = ((await (await f.t.api("GET", "/api/invitations", { token: admin })).json()) as { id: string; email: string }[]).find(
    (i) => i.email === "kim@corp.example",
  )!.id;
  expect((await f.t.api("DELETE", `/api/invitations/${id}`, { token: admin })).status).toBe(204);
  const res = await callback(f.t, await atProvider("corp", started, "sub-kim"), started.attemptCookie);
  expect(res.status).toBe(410);
  expect(await res.text()).toContain("revoked");
  expect(await f.t.ctx.db.query("SELECT id FROM users WHERE email = 'kim@corp.example'")).toEqual([]);
  expect((await f.t.handle("/auth/oidc/corp/start?invite=not-a-token", { headers: { accept: "text/html" } })).status).toBe(404);
});
