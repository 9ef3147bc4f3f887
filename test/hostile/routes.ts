// Every route the server has (src/app.ts → src/modules/*), as one table. The hostile tests and the
// fuzz bench draw from it; test/hostile/routes.test.ts checks it against the running server, so a
// new route that is missing here is noticed.
export type BodyKind = "json" | "form" | "none";

export type Route = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path template; `:id`, `:target`, `:file`, `:name`, `:token` are filled by the generators. */
  path: string;
  /** Which body a well-behaved client sends. */
  body: BodyKind;
  /** JSON API: every error must be exactly {"detail": string}. */
  api: boolean;
  /** Takes a `next` (query or form) that decides a redirect. */
  next?: boolean;
  /**
   * Sending the harness admin's credential here could end the admin's own session (sign-out, ending
   * sessions, changing the own password), which would take the rest of the run's credentials away.
   */
  noAdminCredential?: boolean;
};

const api = (method: Route["method"], path: string, body: BodyKind = "none"): Route => ({ method, path, body, api: true });
const page = (method: Route["method"], path: string, body: BodyKind = "none", extra: Partial<Route> = {}): Route => ({
  method,
  path,
  body,
  api: false,
  ...extra,
});

export const ROUTES: Route[] = [
  // system
  api("GET", "/health"),
  api("GET", "/ready"),
  api("GET", "/metrics"),
  api("GET", "/api/version"),
  page("GET", "/"),
  page("GET", "/dashboard"),
  page("GET", "/static/:file"),
  // accounts
  api("POST", "/auth/token", "json"),
  api("GET", "/auth/me"),
  page("GET", "/login", "none", { next: true }),
  page("POST", "/login", "form", { next: true }),
  page("POST", "/logout", "form", { noAdminCredential: true }),
  page("GET", "/setup"),
  page("POST", "/setup", "form"),
  // single sign-on (no provider is configured here: unknown ids are 404s)
  api("GET", "/auth/providers"),
  api("GET", "/auth/oidc/:id/start"),
  api("GET", "/auth/oidc/:id/callback"),
  // users API
  api("GET", "/api/users"),
  api("POST", "/api/users", "json"),
  api("GET", "/api/users/:id"),
  api("PATCH", "/api/users/:id", "json"),
  api("DELETE", "/api/users/:id"),
  api("POST", "/api/users/:id/reset-password"),
  api("POST", "/api/users/:id/set-password", "json"),
  api("POST", "/api/users/:id/activate"),
  api("POST", "/api/users/:id/deactivate"),
  // SSO identities of a user (the admin side of single sign-on)
  api("GET", "/api/users/:id/identities"),
  api("POST", "/api/users/:id/identities", "json"),
  api("DELETE", "/api/users/:id/identities/:provider"),
  api("POST", "/api/users/:id/detach-groups"),
  // two-factor sign-in and passkeys (src/modules/mfa)
  api("POST", "/api/users/:id/second-factor/reset"),
  page("GET", "/admin/users/:id/second-factor/reset/confirm"),
  page("POST", "/admin/users/:id/second-factor/reset", "form"),
  page("GET", "/login/second-step"),
  page("POST", "/login/second-step", "form"),
  page("POST", "/login/passkey/options", "json"),
  page("POST", "/login/passkey", "json"),
  page("GET", "/profile/two-factor"),
  page("GET", "/profile/two-factor/totp"),
  page("POST", "/profile/two-factor/totp", "form"),
  page("POST", "/profile/two-factor/totp/confirm", "form"),
  page("POST", "/profile/two-factor/totp/remove", "form"),
  page("POST", "/profile/two-factor/recovery-codes", "form"),
  page("POST", "/profile/two-factor/passkeys/options", "json"),
  page("POST", "/profile/two-factor/passkeys", "json"),
  page("POST", "/profile/two-factor/passkeys/:id/remove", "form"),
  page("GET", "/static/passkeys.js"),
  page("GET", "/static/webauthn.js"),
  // users pages
  page("GET", "/admin/users"),
  page("GET", "/admin/users/:id"),
  page("GET", "/admin/users/:id/role/confirm"),
  page("GET", "/admin/users/:id/deactivate/confirm"),
  page("GET", "/admin/users/:id/reset-link/confirm"),
  page("POST", "/admin/users", "form", { next: true }),
  page("POST", "/admin/users/:id/role", "form", { next: true }),
  page("POST", "/admin/users/:id/activate", "form", { next: true }),
  page("POST", "/admin/users/:id/deactivate", "form", { next: true }),
  page("POST", "/admin/users/:id/reset-link", "form", { next: true }),
  page("POST", "/admin/users/:id/password", "form", { next: true }),
  page("GET", "/admin/users/:id/delete"),
  page("POST", "/admin/users/:id/delete", "form"),
  page("POST", "/admin/users/:id/identities", "form", { next: true }),
  page("GET", "/admin/users/:id/identities/:provider/unlink"),
  page("POST", "/admin/users/:id/identities/:provider/unlink", "form"),
  page("POST", "/admin/users/:id/detach-groups", "form", { next: true }),
  // invitations (admin API and forms; the invited person's page)
  api("GET", "/api/invitations"),
  api("POST", "/api/invitations", "json"),
  api("POST", "/api/invitations/:id/resend"),
  api("DELETE", "/api/invitations/:id"),
  page("POST", "/admin/users/invitations", "form", { next: true }),
  page("POST", "/admin/users/invitations/:id/resend", "form", { next: true }),
  page("POST", "/admin/users/invitations/:id/revoke", "form", { next: true }),
  page("GET", "/admin/users/invitations/:id/revoke/confirm"),
  page("GET", "/admin/users/invitations/:id/resend/confirm"),
  page("GET", "/invite/:token"),
  page("POST", "/invite/:token", "form"),
  // forgot password (404 without SMTP), the forced password change
  page("GET", "/forgot"),
  page("POST", "/forgot", "form"),
  page("GET", "/password/change"),
  page("POST", "/password/change", "form", { noAdminCredential: true }),
  // audit
  api("GET", "/api/audit"),
  api("GET", "/api/stats/activity"),
  page("GET", "/admin/audit"),
  // password reset (an HTML page under /auth/: errors are pages, not {"detail"})
  page("GET", "/auth/password/reset"),
  page("POST", "/auth/password/reset", "form"),
  // personal access tokens
  api("GET", "/auth/scopes"),
  api("POST", "/auth/tokens", "json"),
  api("POST", "/auth/tokens/:id/rotate"),
  api("POST", "/auth/tokens/revoke", "json"),
  api("GET", "/auth/tokens"),
  api("GET", "/auth/tokens/:id"),
  api("DELETE", "/auth/tokens/:id"),
  api("GET", "/auth/admin/tokens"),
  api("DELETE", "/auth/admin/tokens/:id"),
  page("GET", "/admin/tokens"),
  page("GET", "/admin/tokens/:id/revoke"),
  page("POST", "/admin/tokens/:id/revoke", "form"),
  // profile
  page("GET", "/profile"),
  page("POST", "/profile/tokens", "form"),
  page("GET", "/profile/tokens/:id/revoke"),
  page("POST", "/profile/tokens/:id/revoke", "form"),
  page("POST", "/profile/password", "form", { noAdminCredential: true }),
  page("POST", "/profile/sessions/end-others", "form", { noAdminCredential: true }),
  page("GET", "/profile/sessions/end-others/confirm"),
  page("GET", "/profile/sessions/:id/end/confirm"),
  page("POST", "/profile/sessions/:id/end", "form", { noAdminCredential: true }),
  // distribution
  api("GET", "/cli/manifest.json"),
  api("GET", "/cli/download/:target"),
  api("GET", "/cli/download"),
  api("GET", "/cli/SHA256SUMS"),
  api("GET", "/cli/SHA256SUMS.minisig"),
  api("GET", "/cli/signing-key.pub"),
  api("GET", "/cli/signing-key.chain"),
  api("GET", "/cli/install.sh"),
  api("GET", "/cli/install.ps1"),
  page("GET", "/install"),
  // backups
  api("GET", "/api/admin/backups"),
  api("POST", "/api/admin/backups"),
  api("GET", "/api/admin/backups/:name"),
  api("DELETE", "/api/admin/backups/:name"),
  page("GET", "/admin/backups"),
  page("POST", "/admin/backups", "form"),
  page("GET", "/admin/backups/:name/download"),
  page("GET", "/admin/backups/:name/delete"),
  page("POST", "/admin/backups/:name/delete", "form"),
  // da sign-in through the browser and with a device code
  api("GET", "/auth/sessions"),
  page("GET", "/cli/authorize"),
  page("POST", "/cli/authorize", "form"),
  api("POST", "/auth/cli/token", "json"),
  api("POST", "/auth/device/code", "json"),
  api("POST", "/auth/device/token", "json"),
  page("GET", "/device"),
  page("POST", "/device", "form"),
  // data access
  api("POST", "/api/query", "json"),
  api("GET", "/api/datasets"),
  api("GET", "/api/datasets/:name"),
  api("POST", "/api/datasets"),
  api("PUT", "/api/datasets/:name"),
  api("DELETE", "/api/datasets/:name"),
  api("GET", "/api/sync/manifest"),
  api("GET", "/api/data/:name/download"),
  page("GET", "/data"),
  page("POST", "/data", "form"),
  page("POST", "/data/result.csv", "form"),
  page("GET", "/admin/datasets"),
  page("POST", "/admin/datasets/upload", "form"),
  page("GET", "/admin/datasets/:name/delete"),
  page("POST", "/admin/datasets/:name/delete", "form"),
  // groups and grants
  api("GET", "/api/groups"),
  api("POST", "/api/groups", "json"),
  api("GET", "/api/groups/:id"),
  api("PATCH", "/api/groups/:id", "json"),
  api("DELETE", "/api/groups/:id"),
  api("GET", "/api/groups/:id/members"),
  api("PUT", "/api/groups/:id/members/:user_id"),
  api("DELETE", "/api/groups/:id/members/:user_id"),
  api("GET", "/api/datasets/:name/grants"),
  api("PUT", "/api/datasets/:name/grants", "json"),
  api("GET", "/api/users/:id/access"),
  page("GET", "/admin/groups"),
  page("POST", "/admin/groups", "form"),
  page("GET", "/admin/groups/:id"),
  page("POST", "/admin/groups/:id/edit", "form"),
  page("POST", "/admin/groups/:id/members", "form"),
  page("POST", "/admin/groups/:id/members/:user_id/remove", "form"),
  page("GET", "/admin/groups/:id/delete"),
  page("POST", "/admin/groups/:id/delete", "form"),
  page("GET", "/admin/datasets/:name/grants"),
  page("POST", "/admin/datasets/:name/grants", "form"),
  page("GET", "/admin/users/:id/access"),
  // service accounts
  api("GET", "/api/service-accounts"),
  api("POST", "/api/service-accounts", "json"),
  api("GET", "/api/service-accounts/:id"),
  api("PATCH", "/api/service-accounts/:id", "json"),
  api("DELETE", "/api/service-accounts/:id"),
  api("POST", "/api/service-accounts/:id/tokens", "json"),
  api("GET", "/api/service-accounts/:id/tokens"),
  api("DELETE", "/api/service-accounts/:id/tokens/:token_id"),
  page("GET", "/admin/service-accounts"),
  page("POST", "/admin/service-accounts", "form"),
  page("GET", "/admin/service-accounts/:id"),
  page("POST", "/admin/service-accounts/:id/:change", "form"),
  page("GET", "/admin/service-accounts/:id/delete"),
  page("POST", "/admin/service-accounts/:id/delete", "form"),
  page("POST", "/admin/service-accounts/:id/tokens", "form"),
  page("GET", "/admin/service-accounts/:id/tokens/:token_id/revoke"),
  page("POST", "/admin/service-accounts/:id/tokens/:token_id/revoke", "form"),
  // agents: MCP and the OAuth server
  api("GET", "/mcp"),
  api("POST", "/mcp", "json"),
  api("DELETE", "/mcp"),
  api("GET", "/.well-known/oauth-protected-resource"),
  api("GET", "/.well-known/oauth-protected-resource/mcp"),
  api("GET", "/.well-known/oauth-authorization-server"),
  api("POST", "/oauth/register", "json"),
  api("POST", "/oauth/token", "form"),
  api("POST", "/oauth/revoke", "form"),
  api("GET", "/auth/oauth/grants"),
  api("DELETE", "/auth/oauth/grants/:id"),
  page("GET", "/oauth/authorize"),
  page("POST", "/oauth/authorize", "form"),
  page("POST", "/profile/connected-apps/:id/revoke", "form"),
  page("GET", "/profile/connected-apps/:id/revoke/confirm"),
  page("GET", "/admin/oauth-clients"),
  page("POST", "/admin/oauth-clients", "form"),
  page("POST", "/admin/oauth-clients/:id/delete", "form"),
  page("POST", "/admin/oauth-clients/grants/:id/revoke", "form"),
  page("GET", "/admin/oauth-clients/:id/delete/confirm"),
  page("GET", "/admin/oauth-clients/grants/:id/revoke/confirm"),
];

/** The OAuth token endpoints answer refusals with RFC 6749's `error` code beside our `detail`. */
export const GRANT_ERROR_PATHS = ["/auth/cli/token", "/auth/device/token", "/oauth/token"];

const PROBES = new Set(["/health", "/ready", "/metrics"]);
/** The OAuth endpoints programs call: {"detail"} JSON whatever Accept says (not /oauth/authorize, a page; /mcp answers JSON-RPC). */
const PROTOCOL = new Set(["/oauth/register", "/oauth/token", "/oauth/revoke"]);

export const routeName = (r: Route) => `${r.method} ${r.path}`;

/** The API rule of the spec: under /api/ or /auth/ (except the reset page), a /cli/ file (not the authorize page), a probe, or a protocol endpoint. */
export function isJsonApiPath(path: string): boolean {
  // The path as the server reads it: without the query, and without a fragment (never part of a
  // path, though a raw request target can carry one: `/cli/authorize#frag` is the approval page).
  const p = path.split(/[?#]/)[0]!;
  if (p.startsWith("/auth/password/reset") || p === "/cli/authorize") return false;
  const bare = p.replace(/\/$/, "");
  if (PROTOCOL.has(bare) || p.startsWith("/.well-known/")) return true;
  return p.startsWith("/api/") || p.startsWith("/auth/") || PROBES.has(bare) || p.startsWith("/cli/");
}
