// The first request of a session token whose signature this process has not checked yet.
// The `auth` guard (auth-guard.ts) resolves who is asking synchronously, so a route whose steps are
// all synchronous answers without a promise: a promise costs a cheap authenticated read about a
// fifth of its time on the real server (bench:auth). Tokens, and session tokens this process signed
// or checked before, resolve at once (src/auth/principal.ts). A session token seen for the first
// time (after a restart, or after it left the bounded cache) needs @elysiajs/jwt's asynchronous
// signature check, which happens around the route instead of inside it:
//   - a request that may carry a body (anything but GET, HEAD, OPTIONS) is checked by the front door
//     before it is routed, so its body is read once, after the check; the outcome stays with the
//     request (src/auth/principal.ts), whatever the signer's bounded cache forgets while the body arrives;
//   - a read is routed at once. When the guard meets a token still to be checked it throws
//     CredentialCheckPending, the error handler hands the check over (deferUntilChecked), and the
//     front door waits for it and routes the read once more (takePendingCheck); a read has no body
//     to lose, and no step before the guard changes anything. The second time the token's outcome is
//     known, valid or not. Should it not be (the cache churned in between), the answer is a 503.
import type { AppContext } from "../context";
import { sessionCheckNeeded } from "../auth/principal";
import { SAFE_METHODS } from "./csrf";

export class CredentialCheckPending extends Error {
  constructor(readonly check: Promise<unknown>) {
    super("The session token's signature check has not finished");
  }
}

const pendingChecks = new WeakMap<Request, Promise<unknown>>();
const routedAgain = new WeakSet<Request>();

/**
 * For the error handler: keeps a read's pending check for the front door, which routes the read
 * again once it is done. False when that cannot be (a request with a body, or one routed again already).
 */
export function deferUntilChecked(request: Request, check: Promise<unknown>): boolean {
  if (!SAFE_METHODS.has(request.method) || routedAgain.has(request)) return false;
  pendingChecks.set(request, check);
  return true;
}

/** For the front door, after routing: the check the request waits for (taken once), or undefined. */
export function takePendingCheck(request: Request): Promise<unknown> | undefined {
  const check = pendingChecks.get(request);
  if (check === undefined) return undefined;
  pendingChecks.delete(request);
  routedAgain.add(request);
  return check;
}

/** For the front door, before routing: the check a request that may carry a body must wait for, or null. */
export function checkBeforeRouting(ctx: AppContext, request: Request): Promise<unknown> | null {
  return SAFE_METHODS.has(request.method) ? null : sessionCheckNeeded(ctx, request);
}
