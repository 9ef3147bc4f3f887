// Rotation: POST /auth/tokens/{id}/rotate gives a new secret with the same name, scopes and lifetime
// length; the old secret keeps working for PAT_ROTATE_GRACE_MINUTES (so a CI job can switch without
// an outage) and then stops. The old row's expires_at becomes the end of the grace period, so the
// auth state refuses it by itself: nothing is checked per request beyond what every token pays.
import type { AppContext } from "../../context";
import { actorOf, type Principal } from "../../auth/principal";
import { Conflict, NotFound } from "../../shared/errors";
import type { CreatedToken } from "../../shared/contract";
import { parseStoredCidrs, parseStoredScopes } from "../../auth/scopes";
import type { Transaction } from "../../db/database";
import { findToken, insertToken, setTokenRotated, type TokenRow } from "./repository";
import { DAY_MS, iso, lifetimeLimit, newTokenRow } from "./service";

/** Who may rotate a token besides its owner (admins, for a service account's): set by the service accounts module. */
export type RotateCheck = (tx: Transaction, actor: Principal, row: TokenRow) => Promise<boolean>;

/** The new token's expiry: the old one's lifetime length from now, within PAT_MAX_DAYS. */
function renewedExpiry(ctx: AppContext, row: TokenRow, now: Date): Date | null {
  const limit = lifetimeLimit(ctx);
  const lifetime = row.expires_at ? row.expires_at.getTime() - row.created_at.getTime() : null;
  const capped = limit === null ? lifetime : Math.min(lifetime ?? Number.POSITIVE_INFINITY, limit * DAY_MS);
  return capped === null ? null : new Date(now.getTime() + capped);
}

export async function rotateToken(ctx: AppContext, actor: Principal, id: string, ip: string | null, mayRotateOthers?: RotateCheck): Promise<CreatedToken> {
  return ctx.db.transaction(async (tx) => {
    const row = await findToken(tx, id);
    const allowed = row && (row.user_id === actor.user.id || (await mayRotateOthers?.(tx, actor, row)));
    if (!row || !allowed) throw new NotFound("Token not found");
    const now = ctx.clock.now();
    if (row.revoked_at || (row.expires_at && row.expires_at <= now)) throw new Conflict("This token is revoked or expired: create a new one instead");
    if (row.rotated_at) throw new Conflict("This token was already rotated: rotate the token that replaced it");
    const { row: fresh, created } = newTokenRow(
      row.user_id,
      { name: row.name, scopes: parseStoredScopes(row.scopes), allowedCidrs: parseStoredCidrs(row.allowed_cidrs), expiresAt: renewedExpiry(ctx, row, now) },
      now,
    );
    await insertToken(tx, fresh);
    const graceEnd = new Date(now.getTime() + ctx.config.patRotateGraceMinutes * 60_000);
    const graceUntil = row.expires_at && row.expires_at < graceEnd ? row.expires_at : graceEnd;
    await setTokenRotated(tx, row.id, now, graceUntil);
    await ctx.audit.record(tx, {
      actor: actorOf(actor),
      action: "token.rotate",
      target: row.id,
      params: { id: row.id, new_id: fresh.id, name: row.name, prefix: row.prefix, owner_id: row.user_id, old_works_until: iso(graceUntil)! },
      ip,
    });
    return created;
  });
}
