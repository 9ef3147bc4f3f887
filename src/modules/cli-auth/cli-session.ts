// The end of both `da` sign-in flows: a CLI session ("da on <hostname>", CLI_SESSION_DAYS long) for
// the user who approved it in the browser. It is an ordinary server-side session, so sign-out, a
// password or role change and deactivation end it like any other, and /profile lists it.
import type { AppContext } from "../../context";
import type { GrantErrorBody, LoginResponse } from "../../shared/contract";
import { HttpError } from "../../http/errors";
import { recordSignIn } from "../users/directory";
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
  const cleaned = (raw ?? "").replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "").replace(/\s+/g, " ").trim();
  return cleaned.slice(0, 64) || "unknown host";
}

export type ClientMeta = { ip: string | null; userAgent: string | null };

export async function openCliSession(
  ctx: AppContext,
  userId: string,
  client: string,
  meta: ClientMeta,
  via: "cli-browser" | "cli-device",
): Promise<LoginResponse> {
  const user = ctx.authState.user(userId);
  if (!user?.active) throw new GrantError("access_denied", "The account that approved this sign-in is deactivated or gone");
  const name = `da on ${client}`;
  const session = await ctx.db.transaction(async (tx) => {
    const opened = await openSession(ctx, tx, user, meta, { kind: "cli", name });
    await recordSignIn(tx, user.id, ctx.clock.now());
    const params = { session_id: opened.id, via, client };
    await ctx.audit.record(tx, { actor: { id: user.id, email: user.email }, action: "auth.login", target: user.id, params, ip: meta.ip });
    return opened;
  });
  return loginResponse(user, session);
}
