// Expiry notices: when SMTP_URL is set, a token's owner is emailed 7 days and again 1 day before it
// expires (each once: the time each went out is stored on the token), with the token's name, scopes
// and last use. A service account's tokens are reported to every active admin. Checked hourly in the
// background (never on a request); a token that expires within a day of being made gets the one-day
// notice only.
import type { AppContext } from "../../context";
import { MailNotSent } from "../../mail/mailer";
import { parseStoredScopes } from "../../auth/scopes";
import { findUser, listActiveAdminPeople } from "../users/directory";
import { listTokensExpiringBy, markExpiryNotice, type ExpiringTokenRow } from "./repository";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

type Notice = { row: ExpiringTokenRow; days: 1 | 7 };

function dueNotices(rows: ExpiringTokenRow[], now: Date): Notice[] {
  const notices: Notice[] = [];
  for (const row of rows) {
    const left = row.expires_at!.getTime() - now.getTime();
    if (left <= DAY_MS && !row.expiry_notice_1_at) notices.push({ row, days: 1 });
    else if (left > DAY_MS && !row.expiry_notice_7_at) notices.push({ row, days: 7 });
  }
  return notices;
}

function noticeText(row: ExpiringTokenRow, days: 1 | 7, lastUsed: Date | null, forService: string | null): string {
  return [
    "Hello,",
    "",
    `${forService ? `The service account "${forService}"'s` : "Your"} Agnes personal access token "${row.name}" (prefix ${row.prefix}) expires in ${days === 1 ? "less than a day" : "less than 7 days"}, at ${row.expires_at!.toISOString()}.`,
    "",
    `Scopes: ${parseStoredScopes(row.scopes).join(", ")}`,
    `Last used: ${lastUsed ? lastUsed.toISOString() : "never"}`,
    "",
    "Rotate it before then (`da auth token rotate NAME`, or POST /auth/tokens/{id}/rotate) and put the new secret where the old one is used.",
    "",
    "Agnes",
  ].join("\n");
}

async function recipients(ctx: AppContext, row: ExpiringTokenRow): Promise<{ to: string[]; service: string | null }> {
  const owner = await findUser(ctx.db, row.user_id);
  if (!owner?.active) return { to: [], service: null };
  if (owner.kind === "person") return { to: [owner.email], service: null };
  return { to: (await listActiveAdminPeople(ctx.db)).map((admin) => admin.email), service: owner.name };
}

/** Sends what is due now; returns how many notices went out. Without SMTP it does nothing (and marks nothing). */
export async function sendExpiryNotices(ctx: AppContext): Promise<number> {
  const mailer = ctx.mailer;
  if (!mailer) return 0;
  const now = ctx.clock.now();
  let sent = 0;
  for (const { row, days } of dueNotices(await listTokensExpiringBy(ctx.db, now, new Date(now.getTime() + 7 * DAY_MS)), now)) {
    const { to, service } = await recipients(ctx, row);
    // Marked first: a notice is at most once, even when the send fails (it is logged).
    await ctx.db.transaction((tx) => markExpiryNotice(tx, row.id, now, days === 1));
    const lastUsed = ctx.activity.pendingToken(row.id)?.at ?? row.last_used_at;
    for (const address of to) {
      try {
        await mailer.send({
          to: address,
          subject: `Your Agnes token "${row.name}" expires in ${days === 1 ? "a day" : "7 days"}`,
          text: noticeText(row, days, lastUsed, service),
        });
        sent++;
      } catch (error) {
        const code = error instanceof MailNotSent ? error.code : "EUNKNOWN";
        ctx.log.warn("token.expiry_notice_failed", { token_id: row.id, code });
      }
    }
  }
  return sent;
}

/** Hourly, in the background; the timer never keeps the process alive. */
export function startExpiryNotices(ctx: AppContext): () => void {
  const run = () => void sendExpiryNotices(ctx).catch((error) => ctx.log.error("token.expiry_notices_failed", { error: String(error) }));
  const timer = setInterval(run, HOUR_MS);
  timer.unref?.();
  run();
  return () => clearInterval(timer);
}
