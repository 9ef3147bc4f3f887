// While a provider's groups manage someone's role, that provider is the only way in: a password
// sign-in is refused ("Your access is managed by …", sso/identities.ts), so that being taken out of
// the groups at the provider takes effect at the next sign-in. A passkey signed in alone without
// that check: a person registered one with their single sign-on session and signed in with it
// from then on, the provider (and its groups) never asked again. The same for any account that
// signs in only with single sign-on (no password): passkeys are for password accounts (README), and
// a passkey made with a provider's session became a way in that the provider no longer controlled.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { BASE, cookieFrom } from "../helpers/app";
import { SoftAuthenticator } from "../helpers/soft-authenticator";
import { signInAs, ssoFixture, type SsoFixture } from "../sso/harness";

let f: SsoFixture;
beforeAll(async () => {
  f = await ssoFixture(
    ["corp", "plain"],
    { OIDC_CORP_ALLOWED_DOMAINS: "corp.example", OIDC_CORP_ANALYST_GROUPS: "data-team", OIDC_PLAIN_ALLOWED_DOMAINS: "plain.example" },
    { idTokenClaims: true },
  );
});
afterAll(() => f?.stop());

const json = (path: string, body: unknown, token?: string) =>
  f.t.handle(path, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

async function registerPasskey(session: string, key: SoftAuthenticator): Promise<void> {
  const { options, ceremony } = (await (await json("/profile/two-factor/passkeys/options", {}, session)).json()) as never as {
    options: Parameters<SoftAuthenticator["register"]>[0];
    ceremony: string;
  };
  const res = await json("/profile/two-factor/passkeys", { ceremony, name: "laptop", response: key.register(options) }, session);
  expect(res.status).toBe(201);
}

async function passkeySignIn(key: SoftAuthenticator): Promise<Response> {
  const { options, ceremony } = (await (await json("/login/passkey/options", {})).json()) as never as {
    options: Parameters<SoftAuthenticator["assert"]>[0];
    ceremony: string;
  };
  return json("/login/passkey", { ceremony, response: key.assert(options) });
}

test("a passkey alone does not sign in a person whose role the provider's groups manage", async () => {
  f.providers.corp!.accounts.set("gus", { email: "gus@corp.example", email_verified: true, groups: ["data-team"] });
  const session = cookieFrom(await signInAs(f.t, "corp", "gus"), "access_token")!;
  const key = new SoftAuthenticator(BASE);
  await registerPasskey(session, key);
  const res = await passkeySignIn(key);
  expect(res.status).toBe(401);
  expect(((await res.json()) as { detail: string }).detail).toContain("managed by");
  expect(cookieFrom(res, "access_token")).toBeFalsy();
});

test("a passkey alone does not sign in an account that has no password (single sign-on only)", async () => {
  f.providers.plain!.accounts.set("sol", { email: "sol@plain.example", email_verified: true });
  const session = cookieFrom(await signInAs(f.t, "plain", "sol"), "access_token")!;
  const key = new SoftAuthenticator(BASE);
  await registerPasskey(session, key);
  const res = await passkeySignIn(key);
  expect(res.status).toBe(401);
  expect(cookieFrom(res, "access_token")).toBeFalsy();
});
