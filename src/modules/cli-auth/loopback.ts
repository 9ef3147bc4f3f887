// `da login` through the browser, RFC 8252 style: `da` listens on 127.0.0.1:<port>, opens
// /cli/authorize with a `state` and a PKCE S256 challenge (RFC 7636), the signed-in person confirms,
// and the browser is sent to http://127.0.0.1:<port>/callback with a one-time code. `da` trades the
// code and its verifier for a CLI session at POST /auth/cli/token.
// - The redirect target is always http://127.0.0.1:<port>/callback: there is no host parameter,
//   so no request can make the server send a code anywhere but the machine the browser runs on.
// - Codes are 256 random bits, kept hashed, valid 2 minutes, consumed by the first redemption
//   attempt (right or wrong), and worthless without the verifier whose hash was sent at the start.
// - Failed redemptions count against the client address's failure budget.
import { createHash, randomBytes } from "node:crypto";
import { sameSecret } from "../../shared/signing";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import type { LoginResponse } from "../../shared/contract";
import { BadRequest, Forbidden } from "../../shared/errors";
import { clientName, GrantError, openCliSession, type ClientMeta } from "./cli-session";
import { LOOPBACK_CODE_TTL_MS, type PendingGrants } from "./pending-grants";

export type AuthorizeRequest = { port: number; state: string; challenge: string; client: string };

const STATE = /^[A-Za-z0-9._~-]{16,128}$/;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
/** Ports below 1024 belong to system services, never to a `da` listening for one answer. */
const MIN_PORT = 1024;

type RawAuthorize = { port?: string; state?: string; code_challenge?: string; code_challenge_method?: string; client?: string };

/** The parameters of /cli/authorize, checked; anything off is a 400 page, never a redirect. */
export function parseAuthorizeRequest(raw: RawAuthorize): AuthorizeRequest {
  const port = /^\d{1,5}$/.test(raw.port ?? "") ? Number(raw.port) : NaN;
  if (!(port >= MIN_PORT && port <= 65535)) {
    throw new BadRequest(`This sign-in link is broken: port must be a number from ${MIN_PORT} to 65535. Run da login again.`);
  }
  if (!STATE.test(raw.state ?? "")) throw new BadRequest("This sign-in link is broken: state is missing or malformed. Run da login again.");
  if (raw.code_challenge_method !== "S256") {
    throw new BadRequest("This sign-in link is broken: code_challenge_method must be S256. Run da login again.");
  }
  if (!CHALLENGE.test(raw.code_challenge ?? "")) {
    throw new BadRequest("This sign-in link is broken: code_challenge is missing or malformed. Run da login again.");
  }
  return { port, state: raw.state!, challenge: raw.code_challenge!, client: clientName(raw.client) };
}

/**
 * Approving gives `da` a session: only a person in a browser signed in to Agnes may do it. A `da`
 * session sent as a cookie may not: it would mint sessions for ever, each outliving the one before
 * (CLI_SESSION_DAYS) and never passing through the identity provider's groups again.
 */
export function assertBrowserSession(me: Principal): void {
  if (me.via !== "session" || !me.fromCookie || me.sessionKind !== "browser") {
    throw new Forbidden("Approve da from a browser signed in to Agnes, not with a token or a da session");
  }
}

function callbackUrl(req: AuthorizeRequest, params: Record<string, string>): string {
  const query = new URLSearchParams({ ...params, state: req.state });
  return `http://127.0.0.1:${req.port}/callback?${query}`;
}

/** Where the browser goes after the choice: the code on Authorize, `error=access_denied` on Cancel. */
export async function decideLoopback(
  ctx: AppContext,
  grants: PendingGrants,
  me: Principal,
  req: AuthorizeRequest,
  approve: boolean,
  ip: string | null,
): Promise<string> {
  assertBrowserSession(me);
  const actor = { id: me.user.id, email: me.user.email };
  const params = { client: req.client, flow: "browser" as const };
  if (!approve) {
    await ctx.audit.record(ctx.db, { actor, action: "auth.cli_denied", target: me.user.id, params, ip });
    return callbackUrl(req, { error: "access_denied" });
  }
  const code = randomBytes(32).toString("base64url");
  const approvedBy = me.sessionId!;
  grants.addLoopback(code, { userId: me.user.id, approvedBy, challenge: req.challenge, client: req.client, expiresAt: grants.now() + LOOPBACK_CODE_TTL_MS });
  await ctx.audit.record(ctx.db, { actor, action: "auth.cli_approved", target: me.user.id, params, ip });
  return callbackUrl(req, { code });
}

function challengeOf(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

/** POST /auth/cli/token: the code and the verifier → a CLI session. */
export async function redeemLoopbackCode(
  ctx: AppContext,
  grants: PendingGrants,
  input: { code: string; code_verifier: string },
  meta: ClientMeta,
): Promise<LoginResponse> {
  // Codes are 256 random bits, spent by the first attempt, and the look-up is synchronous: only a
  // failed redemption spends a slot, so bad attempts from a shared address never block a real one.
  const failed = (message: string) => {
    ctx.failures.claim([`cli-code:${meta.ip ?? "unknown"}`], "failed sign-in code redemptions");
    return new GrantError("invalid_grant", message);
  };
  const grant = grants.takeLoopback(input.code);
  if (!grant || grant.expiresAt <= grants.now()) throw failed("This sign-in code is unknown, used or expired: run da login again");
  if (!VERIFIER.test(input.code_verifier) || !sameSecret(challengeOf(input.code_verifier), grant.challenge)) {
    throw failed("The code verifier does not match this sign-in; the code is spent: run da login again");
  }
  return openCliSession(ctx, grant, meta, "cli-browser");
}
