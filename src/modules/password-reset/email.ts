// The email that carries a reset link to its user, sent after the link is committed. Sending is best
// effort: the link exists and is returned to the admin whatever happens here, so a refused or
// unreachable SMTP server is logged (never with the token or the SMTP password) rather than thrown.
// Plain text only: nothing in it is markup, so no name can become HTML in a mail client.
import type { AppContext } from "../../context";
import { MailNotSent, type OutgoingMail } from "../../mail/mailer";
import type { AdminCall } from "../users/admin-call";

type Recipient = { id: string; email: string };

export function resetLinkEmail(input: { to: string; requestedBy: string; resetUrl: string; token: string }): OutgoingMail {
  const text = [
    "Hello,",
    "",
    `${input.requestedBy}, an administrator of Agnes, asked for a link that lets you set a new password for ${input.to}:`,
    "",
    input.resetUrl,
    "",
    "The link works once and expires in 24 hours. Setting a new password through it signs you out everywhere.",
    "",
    "If you did not expect this email, ignore it: your password stays as it is. You may want to tell an administrator.",
    "",
    "Agnes",
  ].join("\n");
  return { to: input.to, subject: "Reset your Agnes password", text, secrets: [input.token] };
}

/** True only when the SMTP server accepted the message; false without SMTP_URL or on any failure. */
export async function emailResetLink(ctx: AppContext, call: AdminCall, user: Recipient, link: { url: string; token: string }): Promise<boolean> {
  const mailer = ctx.mailer;
  if (!mailer) return false;
  let sent = false;
  try {
    await mailer.send(resetLinkEmail({ to: user.email, requestedBy: call.actor.email, resetUrl: link.url, token: link.token }));
    sent = true;
    ctx.log.info("password_reset.email_sent", { user_id: user.id, smtp_server: mailer.server });
  } catch (error) {
    const reason = error instanceof MailNotSent ? error : new MailNotSent("unexpected error while sending", "EUNKNOWN", null);
    ctx.log.warn("password_reset.email_failed", {
      user_id: user.id,
      smtp_server: mailer.server,
      code: reason.code,
      response_code: reason.responseCode,
      reason: reason.message,
    });
  }
  await recordOutcome(ctx, call, user, sent);
  return sent;
}

/** Its own audit entry, as the link's entry was committed before the send. */
async function recordOutcome(ctx: AppContext, call: AdminCall, user: Recipient, sent: boolean): Promise<void> {
  await ctx.audit.record(ctx.db, {
    actor: call.actor,
    action: "user.reset_link_email",
    target: user.id,
    params: { to: user.email, email_sent: sent },
    ip: call.ip,
  });
}
