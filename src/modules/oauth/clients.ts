// Dynamic client registration (RFC 7591) of public clients: no secret (they could not keep one),
// so what protects a person is PKCE, exact redirect URIs and the consent page naming the client
// and where it sends them. OAUTH_REGISTRATION decides who may register; open registration is
// rate-limited per address, and clients nobody has used for 30 days are removed as new ones come.
import { randomBytes } from "node:crypto";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { roleAtLeast } from "../../auth/roles";
import { sessionRestriction } from "../../auth/session-restriction";
import { Forbidden } from "../../shared/errors";
import { checkRedirectUris, redirectHost } from "./redirect-uris";
import type { RegistrationBody } from "./model";
import { deleteClient, deleteUnusedClients, findClient, insertClient, listClients, liveGrantIdsOfClient, revokeGrant, type ClientRow } from "./repository";

export const UNUSED_CLIENT_DAYS = 30;
const DAY_MS = 86_400_000;

export type OAuthClient = { id: string; name: string; redirectUris: string[]; createdAt: Date; lastUsedAt: Date | null };

export type RegisteredClient = {
  client_id: string;
  client_id_issued_at: number;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: "none";
};

const clientOf = (row: ClientRow): OAuthClient => ({
  id: row.id,
  name: row.name,
  redirectUris: JSON.parse(row.redirect_uris) as string[],
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});

// Control and bidi characters would let a name pose as another on the consent page.
const cleanName = (name: string | undefined) =>
  (name ?? "")
    .replace(/[\p{Cc}\p{Cf}]/gu, "")
    .trim()
    .slice(0, 100) || "Unnamed app";

/**
 * Who registers: /oauth/register is open to every origin (src/http/cors.ts), so it never acts on the
 * session cookie, which carries no CSRF token there. Only a bearer names who registers.
 */
export function registrant(principal: Principal | null): Principal | null {
  return principal?.fromCookie ? null : principal;
}

/** Who may register now: throws unless OAUTH_REGISTRATION lets `me` (null = anonymous) do it. */
export function assertMayRegister(ctx: AppContext, me: Principal | null): "open" | "admin" {
  const mode = ctx.config.oauth.registration;
  if (mode === "off") throw new Forbidden("Client registration is turned off on this server (OAUTH_REGISTRATION=off)");
  if (me && me.via === "session" && roleAtLeast(me.user.role, "admin")) {
    // A session held to a task (session-restriction.ts) is refused by the guard everywhere else: it is
    // no admin here either.
    const restriction = sessionRestriction(ctx.authState, ctx.config.mfaRequired, me.user);
    if (!restriction) return "admin";
    if (mode === "admin") throw restriction.error();
  }
  if (mode === "admin") throw new Forbidden("Only admins may register clients on this server (OAUTH_REGISTRATION=admin)");
  return "open";
}

export async function registerClient(ctx: AppContext, input: RegistrationBody, by: { me: Principal | null; ip: string | null; via: "open" | "admin" }) {
  const redirectUris = checkRedirectUris(input.redirect_uris);
  const now = ctx.clock.now();
  const row = { id: randomBytes(16).toString("hex"), name: cleanName(input.client_name), redirect_uris: JSON.stringify(redirectUris), created_at: now };
  await ctx.db.transaction(async (tx) => {
    for (const gone of await deleteUnusedClients(tx, new Date(now.getTime() - UNUSED_CLIENT_DAYS * DAY_MS), now)) {
      await ctx.audit.record(tx, { actor: null, action: "oauth.client_delete", params: { client_id: gone.id, name: gone.name, reason: "unused" }, ip: null });
    }
    await insertClient(tx, { ...row, created_by: by.me?.user.id ?? null, created_ip: by.ip });
    await ctx.audit.record(tx, {
      actor: by.me ? { id: by.me.user.id, email: by.me.user.email } : null,
      action: "oauth.client_register",
      params: { client_id: row.id, name: row.name, redirect_hosts: [...new Set(redirectUris.map(redirectHost))], via: by.via },
      ip: by.ip,
    });
  });
  const registered: RegisteredClient = {
    client_id: row.id,
    client_id_issued_at: Math.floor(now.getTime() / 1000),
    client_name: row.name,
    redirect_uris: redirectUris,
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  };
  return registered;
}

export async function findOAuthClient(ctx: AppContext, id: string): Promise<OAuthClient | null> {
  if (!/^[0-9a-f]{32}$/.test(id)) return null;
  const row = await findClient(ctx.db, id);
  return row ? clientOf(row) : null;
}

export async function listOAuthClients(ctx: AppContext) {
  return (await listClients(ctx.db)).map((row) => ({ ...clientOf(row), liveGrants: row.live_grants }));
}

/** An admin removes a client: its grants end with it, audited. */
export async function removeOAuthClient(ctx: AppContext, me: Principal, id: string, ip: string | null): Promise<boolean> {
  const client = await findOAuthClient(ctx, id);
  if (!client) return false;
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    for (const grantId of await liveGrantIdsOfClient(tx, id)) await revokeGrant(tx, grantId, now, "client removed");
    await deleteClient(tx, id);
    await ctx.audit.record(tx, {
      actor: { id: me.user.id, email: me.user.email },
      action: "oauth.client_delete",
      params: { client_id: id, name: client.name, reason: "admin" },
      ip,
    });
  });
  return true;
}
