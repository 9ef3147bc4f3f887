// OIDC_* and PASSWORD_LOGIN are checked at start: a wrong setting stops the server naming it.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config";

const dataDir = mkdtempSync(join(tmpdir(), "agnes-sso-config-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const google = {
  OIDC_PROVIDERS: "google",
  OIDC_GOOGLE_ISSUER: "https://accounts.google.com",
  OIDC_GOOGLE_CLIENT_ID: "id",
  OIDC_GOOGLE_CLIENT_SECRET: "secret",
};
const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: "https://agnes.example.com", ...env });
const refused = (env: Record<string, string>, message: string | RegExp) =>
  expect(() => load(env)).toThrow(message instanceof RegExp ? message : new ConfigError(message));

test("a provider gets defaults and the redirect URI built from PUBLIC_URL", () => {
  const { sso } = load({
    ...google,
    OIDC_PROVIDERS: "google,my-okta",
    OIDC_MY_OKTA_ISSUER: "https://acme.okta.com/",
    OIDC_MY_OKTA_CLIENT_ID: "i",
    OIDC_MY_OKTA_CLIENT_SECRET: "s",
    OIDC_MY_OKTA_ALLOWED_DOMAINS: "Acme.com, @acme.io",
    OIDC_MY_OKTA_ADMIN_GROUPS: "admins",
  });
  expect(sso.passwordLogin).toBe(true);
  expect(sso.providers[0]).toMatchObject({
    id: "google",
    label: "Google",
    scopes: "openid email profile",
    defaultRole: "viewer",
    groupsClaim: "groups",
    allowedDomains: [],
    groupRoles: null,
    redirectUri: "https://agnes.example.com/auth/oidc/google/callback",
  });
  expect(sso.providers[1]).toMatchObject({
    id: "my-okta",
    label: "My Okta",
    issuer: "https://acme.okta.com/",
    allowedDomains: ["acme.com", "acme.io"],
    groupRoles: { admin: ["admins"], analyst: [], viewer: [] },
  });
  expect(load({}).sso).toEqual({ passwordLogin: true, providers: [] });
});

test("missing or wrong settings stop the start, naming the variable", () => {
  refused({ ...google, OIDC_GOOGLE_CLIENT_SECRET: "" }, 'OIDC_GOOGLE_CLIENT_SECRET: required for the provider "google" listed in OIDC_PROVIDERS');
  refused({ OIDC_PROVIDERS: "Google!" }, /OIDC_PROVIDERS: "google!" is not a provider id/);
  refused({ ...google, OIDC_GOOGLE_ISSUER: "http://accounts.google.com" }, "OIDC_GOOGLE_ISSUER: the issuer must be an https:// URL");
  refused({ ...google, OIDC_GOOGLE_DEFAULT_ROLE: "boss" }, /OIDC_GOOGLE_DEFAULT_ROLE: expected one of/);
  refused({ ...google, OIDC_GOOGLE_SCOPES: "email" }, "OIDC_GOOGLE_SCOPES: must include openid");
  refused({ PASSWORD_LOGIN: "maybe" }, "PASSWORD_LOGIN: expected on or off");
  expect(() => loadConfig({ DATA_DIR: dataDir, ...google })).toThrow(/OIDC_PROVIDERS: set PUBLIC_URL too/);
});

test("PASSWORD_LOGIN=off needs a provider: there is never zero ways to sign in", () => {
  refused({ PASSWORD_LOGIN: "off" }, /PASSWORD_LOGIN: off needs at least one provider/);
  expect(load({ ...google, PASSWORD_LOGIN: "off" }).sso.passwordLogin).toBe(false);
});

test("Entra ID's multi-tenant issuers are refused; a single tenant's issuer is accepted", () => {
  const entra = (issuer: string) => ({ OIDC_PROVIDERS: "entra", OIDC_ENTRA_ISSUER: issuer, OIDC_ENTRA_CLIENT_ID: "i", OIDC_ENTRA_CLIENT_SECRET: "s" });
  for (const tenant of ["common", "organizations", "consumers", "Common", "{tenantid}"]) {
    refused(entra(`https://login.microsoftonline.com/${tenant}/v2.0`), /multi-tenant endpoint and would let every Entra ID tenant in/);
  }
  const tenantId = "8eaef023-2b34-4da1-9baa-8bc8c9d6a490";
  expect(load(entra(`https://login.microsoftonline.com/${tenantId}/v2.0`)).sso.providers[0]!.issuer).toBe(`https://login.microsoftonline.com/${tenantId}/v2.0`);
});

test("two providers with one issuer are refused (identities are keyed by issuer)", () => {
  refused(
    { ...google, OIDC_PROVIDERS: "google,gmail", OIDC_GMAIL_ISSUER: "https://accounts.google.com", OIDC_GMAIL_CLIENT_ID: "i", OIDC_GMAIL_CLIENT_SECRET: "s" },
    /two providers use the issuer/,
  );
});

test("OIDC_<ID>_LINK_DOMAINS is a domain list; look-alike domains are refused in both lists", () => {
  const { sso } = load({ ...google, OIDC_GOOGLE_ALLOWED_DOMAINS: "Corp.example", OIDC_GOOGLE_LINK_DOMAINS: "partner.example, @Sub.Partner.example" });
  expect(sso.providers[0]).toMatchObject({ allowedDomains: ["corp.example"], linkDomains: ["partner.example", "sub.partner.example"] });
  expect(load(google).sso.providers[0]!.linkDomains).toEqual([]);
  refused({ ...google, OIDC_GOOGLE_LINK_DOMAINS: "\uFF43orp.example" }, /OIDC_GOOGLE_LINK_DOMAINS: "ｃorp.example" is not a domain name/);
  refused({ ...google, OIDC_GOOGLE_ALLOWED_DOMAINS: "c\u043Erp.example" }, /OIDC_GOOGLE_ALLOWED_DOMAINS: "cоrp.example" is not a domain name/);
  refused({ ...google, OIDC_GOOGLE_LINK_DOMAINS: "not a domain" }, /OIDC_GOOGLE_LINK_DOMAINS/);
});
