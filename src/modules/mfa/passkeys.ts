// Passkeys (WebAuthn through @simplewebauthn/server): registered on /profile/two-factor, used to sign
// in alone (a discoverable credential: the browser offers the person's passkeys for this site) or as
// the second step after a password. The relying party is PUBLIC_URL's host and origin (else the
// request's, for a server without one). Each ceremony's challenge lives in memory, single use, for
// five minutes, bound to what it was made for (a session's registration, or a sign-in).
import { LRUCache } from "lru-cache";
import { randomBytes, randomUUID } from "node:crypto";
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { AppContext } from "../../context";
import { requestOrigin } from "../../http/forwarded";
import { BadRequest, Conflict, NotFound, Unauthenticated } from "../../shared/errors";
import type { Principal } from "../../auth/principal";
import { policyCovers } from "../../auth/session-restriction";
import { deletePasskey, findPasskeyByCredential, hasFactor, insertPasskey, listPasskeys, markPasskeyUsed, type PasskeyRow } from "./repository";
import { enrolled } from "./service";

const CEREMONY_MS = 5 * 60_000;
const MAX_CEREMONIES = 10_000;
export const PASSKEY_REFUSED = "The passkey could not be verified";

type Ceremony = { challenge: string; purpose: string; expiresAt: number };
// Bounded like the project's other short-lived stores (lru-cache; expiry read from the clock on use).
const ceremonies = new WeakMap<AppContext, LRUCache<string, Ceremony>>();

function store(ctx: AppContext): LRUCache<string, Ceremony> {
  let map = ceremonies.get(ctx);
  if (!map) ceremonies.set(ctx, (map = new LRUCache<string, Ceremony>({ max: MAX_CEREMONIES })));
  return map;
}

function putCeremony(ctx: AppContext, challenge: string, purpose: string): string {
  const id = randomBytes(16).toString("base64url");
  store(ctx).set(id, { challenge, purpose, expiresAt: ctx.clock.now().getTime() + CEREMONY_MS });
  return id;
}

/** The challenge of a ceremony made for `purpose`, once; null when unknown, spent, expired or for something else. */
function takeChallenge(ctx: AppContext, id: string, purpose: string): string | null {
  const map = store(ctx);
  const c = map.get(id);
  map.delete(id);
  if (!c || c.purpose !== purpose || c.expiresAt <= ctx.clock.now().getTime()) return null;
  return c.challenge;
}

/** The relying party: PUBLIC_URL's, else the request's origin (the RP ID is its host name). */
export function relyingParty(ctx: AppContext, request: Request): { rpID: string; origin: string } {
  const origin = ctx.config.publicUrl ? new URL(ctx.config.publicUrl).origin : (({ proto, host }) => `${proto}://${host}`)(requestOrigin(request, ctx.config));
  return { rpID: new URL(origin).hostname, origin };
}

export async function registrationOptions(ctx: AppContext, me: Principal, request: Request) {
  const existing = await listPasskeys(ctx.db, me.user.id);
  const options = await generateRegistrationOptions({
    rpName: "Agnes",
    rpID: relyingParty(ctx, request).rpID,
    userName: me.user.email,
    userDisplayName: me.user.name || me.user.email,
    userID: new TextEncoder().encode(me.user.id),
    attestationType: "none",
    excludeCredentials: existing.map((p) => ({ id: p.credential_id })),
    authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
  });
  return { options, ceremony: putCeremony(ctx, options.challenge, `register:${me.sessionId}`) };
}

export async function registerPasskey(
  ctx: AppContext,
  me: Principal,
  input: { ceremony: string; name: string; response: RegistrationResponseJSON },
  request: Request,
  ip: string | null,
): Promise<void> {
  const name = input.name.trim() || "Passkey";
  if (name.length > 100) throw new BadRequest("Name the passkey in 100 characters at most");
  const expectedChallenge = takeChallenge(ctx, input.ceremony, `register:${me.sessionId}`);
  if (!expectedChallenge) throw new BadRequest("This passkey request expired or was already used: try again");
  const { rpID, origin } = relyingParty(ctx, request);
  const result = await verifyRegistrationResponse({ response: input.response, expectedChallenge, expectedOrigin: origin, expectedRPID: rpID }).catch(
    () => null,
  );
  if (!result?.verified) throw new BadRequest(PASSKEY_REFUSED);
  const { credential } = result.registrationInfo;
  const id = randomUUID();
  await ctx.db.transaction(async (tx) => {
    if (await findPasskeyByCredential(tx, credential.id)) throw new Conflict("This passkey is already registered");
    const publicKey = Buffer.from(credential.publicKey).toString("base64url");
    const transports = JSON.stringify(credential.transports ?? []);
    await insertPasskey(tx, {
      id,
      user_id: me.user.id,
      credential_id: credential.id,
      public_key: publicKey,
      counter: credential.counter,
      transports,
      name,
      created_at: ctx.clock.now(),
    });
    await enrolled(ctx, tx, me.user.id);
    await ctx.audit.record(tx, {
      actor: { id: me.user.id, email: me.user.email },
      action: "mfa.passkey_add",
      target: me.user.id,
      params: { passkey_id: id, name },
      ip,
    });
  });
}

export async function removePasskey(ctx: AppContext, me: Principal, id: string, ip: string | null): Promise<string> {
  return ctx.db.transaction(async (tx) => {
    const row = (await listPasskeys(tx, me.user.id)).find((p) => p.id === id);
    if (!row || !(await deletePasskey(tx, me.user.id, id))) throw new NotFound("No such passkey");
    if (policyCovers(ctx.config.mfaRequired, me.user.role) && !(await hasFactor(tx, me.user.id))) {
      throw new Conflict("This server requires a second factor for your account: add another before removing this one");
    }
    await ctx.audit.record(tx, {
      actor: { id: me.user.id, email: me.user.email },
      action: "mfa.passkey_remove",
      target: me.user.id,
      params: { passkey_id: id, name: row.name },
      ip,
    });
    return row.name;
  });
}

/** Options for a sign-in: any of this site's passkeys (discoverable), or the pending person's. */
export async function authenticationOptions(ctx: AppContext, request: Request, userId: string | null) {
  const allow = userId
    ? (await listPasskeys(ctx.db, userId)).map((p) => ({ id: p.credential_id, transports: JSON.parse(p.transports) as never[] }))
    : undefined;
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(ctx, request).rpID,
    userVerification: userId ? "preferred" : "required",
    allowCredentials: allow,
  });
  return { options, ceremony: putCeremony(ctx, options.challenge, userId ? `second-step:${userId}` : "sign-in") };
}

/**
 * Checks a sign-in assertion; returns the passkey's owner. Alone (`userId` null) the authenticator must
 * have verified the person (PIN, biometrics); as a second step, the passkey must be the pending person's.
 */
export async function verifyPasskeySignIn(
  ctx: AppContext,
  input: { ceremony: string; response: AuthenticationResponseJSON },
  request: Request,
  userId: string | null,
): Promise<PasskeyRow> {
  const expectedChallenge = takeChallenge(ctx, input.ceremony, userId ? `second-step:${userId}` : "sign-in");
  const row = typeof input.response?.id === "string" ? await findPasskeyByCredential(ctx.db, input.response.id) : null;
  if (!expectedChallenge || !row || (userId && row.user_id !== userId)) throw new Unauthenticated(PASSKEY_REFUSED);
  const { rpID, origin } = relyingParty(ctx, request);
  const credential = {
    id: row.credential_id,
    publicKey: Buffer.from(row.public_key, "base64url"),
    counter: row.counter,
    transports: JSON.parse(row.transports),
  };
  const result = await verifyAuthenticationResponse({
    response: input.response,
    expectedChallenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    credential,
    requireUserVerification: userId === null,
  }).catch(() => null);
  if (!result?.verified) throw new Unauthenticated(PASSKEY_REFUSED);
  await ctx.db.transaction((tx) => markPasskeyUsed(tx, row.id, result.authenticationInfo.newCounter, ctx.clock.now()));
  return row;
}
