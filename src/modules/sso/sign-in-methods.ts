// The ways to sign in (the login page, `da login`), and how each person signs in, for the admin users page: password, which providers, the last SSO
// sign-in, and whether a provider's groups manage their role (admins then cannot change it).
import type { AppContext } from "../../context";
import { listSignInMethods } from "./repository";

import type { SignInMethods, SignInProvider } from "../../shared/contract";

export type { SignInMethods };

export async function signInMethodsOf(ctx: AppContext, userIds: string[]): Promise<Record<string, SignInMethods>> {
  const { passwordLogin, providers } = ctx.config.sso;
  const byIssuer = new Map(providers.map((p) => [p.issuer, p]));
  const result: Record<string, SignInMethods> = {};
  for (const row of await listSignInMethods(ctx.db, userIds)) {
    const methods = (result[row.user_id] ??= {
      password: passwordLogin && row.has_password,
      providers: [],
      lastSsoAt: null,
      roleManagedBy: null,
      identities: [],
      groupsDetached: row.groups_detached,
    });
    if (!row.issuer) continue;
    // An identity of a provider that is no longer configured cannot be used: it is not shown.
    const provider = byIssuer.get(row.issuer);
    if (!provider) continue;
    methods.providers.push(provider.label);
    methods.identities.push({ provider: provider.id, label: provider.label });
    if (provider.groupRoles && !row.groups_detached && !methods.roleManagedBy) methods.roleManagedBy = provider.label;
    const at = row.last_login_at?.toISOString() ?? null;
    if (at && (!methods.lastSsoAt || at > methods.lastSsoAt)) methods.lastSsoAt = at;
  }
  return result;
}

/** The ways to sign in, for the login page and `da login`. */
export function signInProviders(ctx: AppContext): SignInProvider[] {
  const oidc = ctx.config.sso.providers.map((p): SignInProvider => ({ id: p.id, type: "oidc", label: p.label }));
  return ctx.config.sso.passwordLogin ? [{ id: "password", type: "password" }, ...oidc] : oidc;
}
