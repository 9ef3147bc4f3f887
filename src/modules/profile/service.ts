// The signed-in person's own account: change password, end sessions. Each change writes its audit
// entry in the same transaction; the in-memory auth state follows the commit by itself.
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { assertPasswordPolicy, assertPasswordsInUse } from "../../auth/passwords";
import { BadRequest, NotFound } from "../../shared/errors";
import { findUser } from "../users/directory";
import { setPassword } from "../users/lifecycle";
import { endAllSessionsOf, endSession, listSessionsOf } from "../accounts/sessions";

function actorOf(me: Principal) {
  return { id: me.user.id, email: me.user.email };
}

/**
 * Changes the password after checking the current one. Success ends every other session of the
 * user (a thief holding an old cookie is out) and keeps this one, and voids any reset link still
 * pending (a new password makes an older reset link pointless). Personal access tokens stay:
 * they are revoked one by one, as on GitHub and GitLab. Wrong current passwords count against the
 * sign-in limiter, so a stolen session cannot be used to guess the password.
 */
export async function changeOwnPassword(
  ctx: AppContext,
  me: Principal,
  input: { current: string; next: string; confirm: string },
  ip: string | null,
): Promise<{ sessionsEnded: number }> {
  assertPasswordsInUse(ctx.config);
  // The same budgets as signing in to this account: a stolen session must not add guesses of its own.
  const row = await ctx.failures.guard(
    ctx.signInLimits.keysFor(me.user.email, ip),
    "wrong current passwords",
    async () => {
      const row = await findUser(ctx.db, me.user.id);
      return row && (await ctx.passwords.verify(input.current, row.password_hash)) ? row : null;
    },
    (row) => row !== null,
  );
  if (!row) throw new BadRequest("Your current password is not right; nothing was changed");
  if (input.next !== input.confirm) throw new BadRequest("The two new passwords differ; nothing was changed");
  assertPasswordPolicy(input.next);
  const passwordHash = await ctx.passwords.hash(input.next);
  const others = (await listSessionsOf(ctx, me.user.id)).filter((s) => s.id !== me.sessionId).length;
  await ctx.db.transaction(async (tx) => {
    await setPassword(
      ctx,
      tx,
      me.user.id,
      passwordHash,
      { event: "password_change", sessionsEnded: others },
      { actor: actorOf(me), ip, keepSessionId: me.sessionId },
    );
  });
  return { sessionsEnded: others };
}

/** Ends one of the user's other sessions (the current one is ended with "Sign out"). */
export async function endOwnSession(ctx: AppContext, me: Principal, sessionId: string, ip: string | null): Promise<void> {
  if (sessionId === me.sessionId) throw new BadRequest("That is this session: use Sign out to end it");
  const mine = (await listSessionsOf(ctx, me.user.id)).some((s) => s.id === sessionId);
  if (!mine) throw new NotFound("Session not found (it may have ended already)");
  await ctx.db.transaction(async (tx) => {
    await endSession(ctx, tx, sessionId);
    await ctx.audit.record(tx, { actor: actorOf(me), action: "auth.session_end", target: me.user.id, params: { session_id: sessionId }, ip });
  });
}

export async function endOtherSessions(ctx: AppContext, me: Principal, ip: string | null): Promise<number> {
  const others = (await listSessionsOf(ctx, me.user.id)).filter((s) => s.id !== me.sessionId).length;
  await ctx.db.transaction(async (tx) => {
    await endAllSessionsOf(ctx, tx, me.user.id, me.sessionId ?? undefined);
    await ctx.audit.record(tx, { actor: actorOf(me), action: "auth.sessions_end_others", target: me.user.id, params: { sessions_ended: others }, ip });
  });
  return others;
}
