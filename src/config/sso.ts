// Single sign-on settings from the environment (names fixed by the SSO issue, see README "Single
// sign-on"): OIDC_PROVIDERS=a,b and OIDC_<ID>_* per provider, PASSWORD_LOGIN=on|off. Everything is
// checked at start, so a wrong setting stops the server with the variable's name instead of
// failing at someone's first sign-in.
import type { Role } from "../shared/contract";
import { isRole } from "../auth/roles";
import { LOCAL_SOURCE } from "../shared/groups";
import { checkEmail } from "../auth/email";

export type OidcProviderSettings = {
  id: string;
  label: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  /** Lower-case domains whose verified addresses get an account on first sign-in; empty: invited people only. */
  allowedDomains: string[];
  /**
   * Lower-case domains whose verified addresses may claim an EXISTING account that has no identity
   * at this provider yet (besides allowedDomains). Any other claim by email is refused: an admin
   * links the identity by hand.
   */
  linkDomains: string[];
  defaultRole: Role;
  groupsClaim: string;
  /** OIDC_<ID>_GROUP_SYNC=on: the person's memberships in this provider's groups follow the claim at every sign-in. */
  groupSync: boolean;
  /** OIDC_<ID>_GROUP_FILTER: only claim entries this matches are synced (null: all). */
  groupFilter: RegExp | null;
  /** null when no *_GROUPS variable is set: roles are then Agnes's own, changed by admins. */
  groupRoles: { admin: string[]; analyst: string[]; viewer: string[] } | null;
  /** `${PUBLIC_URL}/auth/oidc/<id>/callback`: never built from a request's Host (proxies get it wrong). */
  redirectUri: string;
};

export type SsoSettings = { passwordLogin: boolean; providers: OidcProviderSettings[] };

export class SsoSettingsError extends Error {}

type Env = Record<string, string | undefined>;

const ID = /^[a-z0-9-]+$/;
// Entra ID's multi-tenant endpoints accept a user of ANY tenant: the issuer must name one tenant.
const ENTRA_HOSTS = ["login.microsoftonline.com", "login.microsoft.com", "sts.windows.net"];
const ENTRA_MULTI_TENANT = ["common", "organizations", "consumers", "{tenantid}", "%7btenantid%7d"];

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
}

function defaultLabel(id: string): string {
  return id
    .split("-")
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(" ");
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}

function checkIssuer(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SsoSettingsError(`${name}: expected the provider's issuer URL, e.g. https://accounts.google.com`);
  }
  // Plain http only on loopback (a provider on the same machine, and the tests): tokens must not cross a network in clear.
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    throw new SsoSettingsError(`${name}: the issuer must be an https:// URL`);
  }
  if (url.search || url.hash || url.username) throw new SsoSettingsError(`${name}: expected a plain issuer URL without query, fragment or credentials`);
  const tenant = url.pathname.split("/")[1]?.toLowerCase() ?? "";
  if (ENTRA_HOSTS.includes(url.hostname.toLowerCase()) && ENTRA_MULTI_TENANT.includes(tenant)) {
    throw new SsoSettingsError(
      `${name}: "${tenant}" is Microsoft's multi-tenant endpoint and would let every Entra ID tenant in; use https://login.microsoftonline.com/<your tenant id>/v2.0`,
    );
  }
  // Kept exactly as given: it must equal the provider's own `issuer` (Keycloak's path matters).
  return value;
}

/** A comma list of domains, each checked by the one email rule (a look-alike domain is refused). */
function readDomains(name: string, value: string | undefined): string[] {
  return list(value).map((value) => {
    const check = checkEmail(`x@${value.replace(/^@/, "")}`);
    if (!check.ok) throw new SsoSettingsError(`${name}: "${value}" is not a domain name of ordinary letters of one script`);
    return check.email.slice(2);
  });
}

function readOnOff(name: string, value: string | undefined): boolean {
  const v = (value ?? "off").toLowerCase();
  if (v !== "on" && v !== "off") throw new SsoSettingsError(`${name}: expected on or off`);
  return v === "on";
}

function readFilter(name: string, value: string | undefined): RegExp | null {
  if (!value) return null;
  try {
    // Unicode mode; matched against one claim entry at a time, each at most a few hundred characters.
    return new RegExp(value, "u");
  } catch (error) {
    throw new SsoSettingsError(`${name}: not a regular expression (${(error as Error).message})`);
  }
}

/** Every OIDC_<ID>_* setting, declared once (the README's SSO table is checked against this list). */
export const SSO_PROVIDER_SETTINGS = [
  "ISSUER",
  "CLIENT_ID",
  "CLIENT_SECRET",
  "LABEL",
  "SCOPES",
  "ALLOWED_DOMAINS",
  "LINK_DOMAINS",
  "DEFAULT_ROLE",
  "GROUPS_CLAIM",
  "GROUP_SYNC",
  "GROUP_FILTER",
  "ADMIN_GROUPS",
  "ANALYST_GROUPS",
  "VIEWER_GROUPS",
] as const;
type ProviderSetting = (typeof SSO_PROVIDER_SETTINGS)[number];

function readProvider(env: Env, id: string, publicUrl: string): OidcProviderSettings {
  const prefix = `OIDC_${id.toUpperCase().replace(/-/g, "_")}_`;
  const get = (key: ProviderSetting) => env[prefix + key]?.trim() || undefined;
  const required = (key: ProviderSetting) => {
    const value = get(key);
    if (!value) throw new SsoSettingsError(`${prefix}${key}: required for the provider "${id}" listed in OIDC_PROVIDERS`);
    return value;
  };
  const defaultRole = get("DEFAULT_ROLE") || "viewer";
  if (!isRole(defaultRole)) throw new SsoSettingsError(`${prefix}DEFAULT_ROLE: expected one of viewer, analyst, km_admin, admin`);
  const scopes = get("SCOPES") || "openid email profile";
  if (!scopes.split(/\s+/).includes("openid")) throw new SsoSettingsError(`${prefix}SCOPES: must include openid`);
  const groups = { admin: list(get("ADMIN_GROUPS")), analyst: list(get("ANALYST_GROUPS")), viewer: list(get("VIEWER_GROUPS")) };
  return {
    id,
    label: get("LABEL") || defaultLabel(id),
    issuer: checkIssuer(`${prefix}ISSUER`, required("ISSUER")),
    clientId: required("CLIENT_ID"),
    clientSecret: required("CLIENT_SECRET"),
    scopes,
    allowedDomains: readDomains(`${prefix}ALLOWED_DOMAINS`, get("ALLOWED_DOMAINS")),
    linkDomains: readDomains(`${prefix}LINK_DOMAINS`, get("LINK_DOMAINS")),
    defaultRole,
    groupsClaim: get("GROUPS_CLAIM") || "groups",
    groupSync: readOnOff(`${prefix}GROUP_SYNC`, get("GROUP_SYNC")),
    groupFilter: readFilter(`${prefix}GROUP_FILTER`, get("GROUP_FILTER")),
    groupRoles: groups.admin.length + groups.analyst.length + groups.viewer.length > 0 ? groups : null,
    redirectUri: `${publicUrl}/auth/oidc/${id}/callback`,
  };
}

/** `passwordLogin` and `providerList` are PASSWORD_LOGIN and OIDC_PROVIDERS, already parsed (settings.ts). */
export function readSsoSettings(env: Env, publicUrl: string | null, passwordLogin: boolean, providerList: string): SsoSettings {
  const ids = list(providerList).map((id) => id.toLowerCase());
  for (const id of ids) {
    // "agnes" is the source of hand-made groups and memberships: a provider by that name would sync them as its own.
    if (!ID.test(id) || id === "password" || id === LOCAL_SOURCE)
      throw new SsoSettingsError(`OIDC_PROVIDERS: "${id}" is not a provider id (lower-case letters, digits and -; not "password" or "${LOCAL_SOURCE}")`);
  }
  if (new Set(ids).size !== ids.length) throw new SsoSettingsError("OIDC_PROVIDERS: an id is listed twice");
  if (ids.length > 0 && !publicUrl) {
    throw new SsoSettingsError("OIDC_PROVIDERS: set PUBLIC_URL too; the redirect URI registered at the provider is built from it");
  }
  if (!passwordLogin && ids.length === 0) {
    throw new SsoSettingsError("PASSWORD_LOGIN: off needs at least one provider in OIDC_PROVIDERS, or nobody could sign in");
  }
  const providers = ids.map((id) => readProvider(env, id, publicUrl!));
  // Identities are keyed by (issuer, sub): two providers with one issuer would share them.
  const issuers = providers.map((p) => p.issuer);
  const twice = issuers.find((issuer, i) => issuers.indexOf(issuer) !== i);
  if (twice) throw new SsoSettingsError(`OIDC_PROVIDERS: two providers use the issuer ${twice}; configure it once`);
  return { passwordLogin, providers };
}
