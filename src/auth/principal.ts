// Resolves who a request is, from `Authorization: Bearer <token>` or the `access_token` cookie.
// A bearer starting with the PAT prefix is a personal access token, one with the OAuth access
// token prefix an OAuth access token (src/modules/oauth); anything else must be a session JWT. All are
// checked against the in-memory auth state only (no database read), and a deactivated or deleted owner, an ended session or a revoked/expired token resolves to nobody.
// A token is found by the SHA-256 of the whole value, so a mistyped or forged one is simply not
// found: checking its checksum first would only repeat that answer, at a measurable cost per request.
// The hashes of tokens that worked lately are kept (recent-secrets.ts): the hash alone cost a PAT
// request about a tenth of its time.
// Tokens resolve synchronously, and so does a session JWT whose signature was checked before (or
// that this process signed); only a session token seen for the first time needs a promise (the
// signature check is async). Routes that need someone signed in resolve synchronously and leave that
// first check to the front door (src/http/credential-check.ts): a promise or an `await` costs every
// request that has one (bench:auth).
import type { AppContext } from "../context";
import type { AddressOf } from "./activity";
import type { AuthUser } from "./auth-state";
import type { TokenScope } from "../shared/contract";
import { looksLikeOAuthAccessToken, OAUTH_SECRET_LENGTH } from "./oauth-format";
import { looksLikePat, PAT_LENGTH } from "./pat-format";
import { RecentSecrets } from "./recent-secrets";
import type { AuthToken } from "./auth-state";
import { addressAllowed } from "./networks-allowed";
import type { SessionClaims } from "./session-signer";

export type Principal = {
  user: AuthUser;
  via: "session" | "pat" | "oauth";
  /** The session's handle (sessionHandle of the token's jti), never the jti itself. */
  sessionId: string | null;
  /** A browser session or a `da` (CLI) session; null for a token. */
  sessionKind: "browser" | "cli" | null;
  tokenId: string | null;
  /** A token's scopes (a PAT's or an OAuth access token's); null for a session (whatever the role allows). */
  scopes: readonly TokenScope[] | null;
  /** The credential came from the cookie: state changes then need a CSRF token. */
  fromCookie: boolean;
  expiresAt: Date | null;
  /** For an OAuth access token: its grant (the refresh family) and client. */
  oauth: { grantId: string; clientId: string; resource: string } | null;
};

type Credential = { value: string; fromCookie: boolean };

// One for the process: it only remembers which hash a secret has; each app's auth state decides
// whether that hash is a live token.
const recentSecrets = new RecentSecrets();

export function readCredential(request: Request): Credential | null {
  const header = request.headers.get("authorization");
  if (header) {
    // HTTP's whitespace is a space or a tab; `\s` would also take a no-break space for one.
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    return match ? { value: match[1]!, fromCookie: false } : null;
  }
  // Bun's cookie parser: a malformed value decodes to something that simply fails verification.
  const cookies = request.headers.get("cookie");
  const value = cookies ? new Bun.CookieMap(cookies).get("access_token") : null;
  return value ? { value, fromCookie: true } : null;
}

export function resolvePrincipal(ctx: AppContext, request: Request, addressOf: AddressOf): Principal | null | Promise<Principal | null> {
  const credential = readCredential(request);
  if (!credential) return null;
  const now = ctx.clock.now();
  if (looksLikePat(credential.value)) {
    if (credential.fromCookie || credential.value.length !== PAT_LENGTH) return null;
    const token = recentSecrets.find(credential.value, (hash) => ctx.authState.tokenByHash(hash));
    if (!token || (token.expiresAt && token.expiresAt.getTime() <= now.getTime())) return null;
    const user = ctx.authState.user(token.userId);
    if (!user?.active) return null;
    // Only a token that names networks pays for the address look-up.
    if (token.allowedCidrs.length > 0 && !addressAllowed(token.allowedCidrs, addressOf())) return blocked(ctx, token, addressOf(), now);
    ctx.activity.tokenUsed(token.id, now, addressOf);
    return {
      user,
      via: "pat",
      sessionId: null,
      sessionKind: null,
      tokenId: token.id,
      scopes: token.scopes,
      fromCookie: false,
      expiresAt: token.expiresAt,
      oauth: null,
    };
  }
  if (looksLikeOAuthAccessToken(credential.value)) return oauthPrincipal(ctx, credential, now, addressOf);
  return sessionPrincipal(ctx, request, credential, now, addressOf);
}

/**
 * The signature check a request's session token still needs (src/http/credential-check.ts), or null
 * when there is none to wait for: no credential, a token, or a session token whose outcome is known.
 * The promise never rejects.
 */
export function sessionCheckNeeded(ctx: AppContext, request: Request): Promise<unknown> | null {
  const credential = readCredential(request);
  if (!credential || looksLikePat(credential.value) || looksLikeOAuthAccessToken(credential.value)) return null;
  const known = ctx.signer.claimsIfChecked(credential.value);
  if (known !== undefined) {
    checkedBeforeRouting.set(request, { token: credential.value, claims: known });
    return null;
  }
  return ctx.signer.verify(credential.value).then(
    (claims) => void checkedBeforeRouting.set(request, { token: credential.value, claims }),
    () => null,
  );
}

// The outcome a write's token had before it was routed (known already, or from the check it waited
// for), kept with the request: its body may take a while to arrive, and meanwhile a burst of other
// tokens can push this one out of the signer's bounded cache, which would leave the route with nothing to go on (a 503,
// the body lost).
// The token is kept next to its outcome, so the outcome never answers for another credential.
const checkedBeforeRouting = new WeakMap<Request, { token: string; claims: SessionClaims | null }>();

/** At once when the token's signature was checked before (or this process signed it), else after the check. */
function sessionPrincipal(
  ctx: AppContext,
  request: Request,
  credential: Credential,
  now: Date,
  addressOf: AddressOf,
): Principal | null | Promise<Principal | null> {
  const before = checkedBeforeRouting.get(request);
  const checked = before?.token === credential.value ? before.claims : ctx.signer.claimsIfChecked(credential.value);
  if (checked !== undefined) return principalOfSession(ctx, checked, credential, now, addressOf);
  return ctx.signer.verify(credential.value).then((claims) => principalOfSession(ctx, claims, credential, now, addressOf));
}

function principalOfSession(ctx: AppContext, claims: SessionClaims | null, credential: Credential, now: Date, addressOf: AddressOf): Principal | null {
  if (!claims || claims.exp * 1000 <= now.getTime()) return null;
  const session = ctx.authState.session(claims.handle);
  if (!session || session.userId !== claims.sub || session.expiresAt <= now) return null;
  const user = ctx.authState.user(session.userId);
  if (!user?.active) return null;
  ctx.activity.sessionSeen(session.id, now, addressOf);
  return {
    user,
    via: "session",
    sessionId: session.id,
    sessionKind: session.kind,
    tokenId: null,
    scopes: null,
    fromCookie: credential.fromCookie,
    expiresAt: session.expiresAt,
    oauth: null,
  };
}

function oauthPrincipal(ctx: AppContext, credential: Credential, now: Date, addressOf: AddressOf): Principal | null {
  if (credential.fromCookie || credential.value.length !== OAUTH_SECRET_LENGTH) return null;
  const token = recentSecrets.find(credential.value, (hash) => ctx.authState.oauthTokenByHash(hash));
  if (!token || token.expiresAt.getTime() <= now.getTime()) return null;
  const user = ctx.authState.user(token.userId);
  if (!user?.active) return null;
  ctx.activity.grantUsed(token.grantId, now, addressOf);
  return {
    user,
    via: "oauth",
    sessionId: null,
    sessionKind: null,
    tokenId: token.id,
    fromCookie: false,
    expiresAt: token.expiresAt,
    scopes: token.scopes,
    oauth: { grantId: token.grantId, clientId: token.clientId, resource: token.resource },
  };
}

// One audit entry per token and address a minute at most: a leaked token replayed from elsewhere in
// a loop must not turn every refused request into a database write.
const BLOCKED_AUDIT_EVERY_MS = 60_000;
const lastBlocked = new WeakMap<AppContext["authState"], Map<string, number>>();

/** A use from outside the token's networks: nobody (401), and the owner can see it in the audit trail. */
function blocked(ctx: AppContext, token: AuthToken, ip: string | null, now: Date): null {
  const seen = lastBlocked.get(ctx.authState) ?? new Map<string, number>();
  lastBlocked.set(ctx.authState, seen);
  const key = `${token.id} ${ip}`;
  if ((seen.get(key) ?? 0) > now.getTime() - BLOCKED_AUDIT_EVERY_MS) return null;
  if (seen.size > 10_000) seen.clear();
  seen.set(key, now.getTime());
  const params = { id: token.id, ip: ip ?? "unknown", allowed_cidrs: [...token.allowedCidrs] };
  void ctx.audit
    .record(ctx.db, { actor: null, action: "token.blocked_ip", target: token.id, params, ip })
    .catch((error) => ctx.log.warn("token.blocked_ip_audit_failed", { token_id: token.id, error: String(error) }));
  return null;
}

/** Who acts, for an audit entry: with the token's id when they act with a personal access token. */
export function actorOf(principal: Pick<Principal, "user" | "tokenId">): { id: string; email: string; tokenId: string | null } {
  return { id: principal.user.id, email: principal.user.email, tokenId: principal.tokenId };
}
