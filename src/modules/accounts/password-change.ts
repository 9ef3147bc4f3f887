// The forced change: a person whose password an admin set (users/service.ts) chooses their own before
// anything else (the auth guard holds every other route back). The session making the change stays;
// every other one ends, as with any password change.
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { assertPasswordPolicy, assertPasswordsInUse } from "../../auth/passwords";
import { BadRequest } from "../../shared/errors";
import { findUser } from "../users/directory";
import { setPassword } from "../users/lifecycle";
import { listSessionsOf } from "./sessions";

export const SAME_AS_ADMINS = "Choose a password other than the one the administrator set; nothing was changed";

export async function changeRequiredPassword(ctx: AppContext, me: Principal, input: { next: string; confirm: string }, ip: string | null): Promise<void> {
  assertPasswordsInUse(ctx.config);
  if (input.next !== input.confirm) throw new BadRequest("The two new passwords differ; nothing was changed");
  assertPasswordPolicy(input.next);
  const row = await findUser(ctx.db, me.user.id);
  // The session proves the admin's password was known; keeping it would leave the admin knowing it too.
  if (row?.password_hash && (await ctx.passwords.verify(input.next, row.password_hash))) throw new BadRequest(SAME_AS_ADMINS);
  const passwordHash = await ctx.passwords.hash(input.next);
  const others = (await listSessionsOf(ctx, me.user.id)).filter((s) => s.id !== me.sessionId).length;
  await ctx.db.transaction(async (tx) => {
    const how = { event: "password_change" as const, sessionsEnded: others, via: "forced" as const };
    await setPassword(ctx, tx, me.user.id, passwordHash, how, { actor: { id: me.user.id, email: me.user.email }, ip, keepSessionId: me.sessionId });
  });
}
