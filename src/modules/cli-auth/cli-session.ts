// The end of both `da` sign-in flows: a CLI session ("da on <hostname>", CLI_SESSION_DAYS long) for
// the user who approved it in the browser. It is an ordinary server-side session, so sign-out, a
// password or role change and deactivation end it like any other, and /profile lists it.
import type { AppContext } from "../../context";
import type { GrantErrorBody, LoginResponse } from "../../shared/contract";
import { HttpError } from "../../shared/errors";
import { recordSignIn } from "../users/lifecycle";
import { loginResponse, openSession } from "../accounts/sessions";

/** An OAuth-style refusal: `{"error": <code>, "detail": <message>}` with status 400 (RFC 6749 §5.2, RFC 8628 §3.5). */
export class GrantError extends HttpError {
  constructor(
    readonly error: GrantErrorBody["error"],
    detail: string,
    readonly extra: Record<string, number> = {},
  ) {
    super(400, detail);
  }
}

/** What the client calls itself (its hostname): one printable line, at most 64 characters. */
export function clientName(raw: string | undefined): string {
  const cleaned = (raw ?? "")
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return cleaned.slice(0, 64) || "unknown host";
}

export type ClientMeta = { ip: string | null; userAgent: string | null };

/** Who approved a sign-in in the browser, and from which session. */
export type Approval = { userId: string; approvedBy: string; client: string };

/**
 * The approval is only as good as the browser session that gave it: once that session has ended
 * (sign-out, a password or role change, deactivation, recovery, deletion all end sessions), a code or
 * grant it approved cannot be redeemed, so access granted before a revocation never outlives it.
 */
export async function openCliSession(ctx: AppContext, approval: Approval, meta: ClientMeta, via: "cli-browser" | "cli-device"): Promise<LoginResponse> {
  const { client } = approval;
  const name = `da on ${client}`;
  // Checked inside the transaction: the queue runs transactions one at a time and applies each one's
  // auth effects before the next starts, so a revocation committed before this sees its effect here.
  const { user, session } = await ctx.db.transaction(async (tx) => {
    const user = assertStillApproved(ctx, approval);
    const opened = await openSession(ctx, tx, user, meta, { kind: "cli", name });
    await recordSignIn(ctx, tx, user.id);
    const params = { session_id: opened.id, via, client };
    await ctx.audit.record(tx, { actor: { id: user.id, email: user.email }, action: "auth.login", target: user.id, params, ip: meta.ip });
    return { user, session: opened };
  });
  return loginResponse(user, session);
}

function assertStillApproved(ctx: AppContext, approval: Approval) {
  const user = ctx.authState.user(approval.userId);
  if (!user?.active) throw new GrantError("access_denied", "The account that approved this sign-in is deactivated or gone");
  const approver = ctx.authState.session(approval.approvedBy);
  if (!approver || approver.userId !== user.id || approver.expiresAt <= ctx.clock.now()) {
    throw new GrantError("access_denied", "The browser session that approved this sign-in has ended: run da login again");
  }
  return user;
}
