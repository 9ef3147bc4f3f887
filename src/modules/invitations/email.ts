// The email that carries an invitation link, sent after the invitation is committed (text and HTML).
import type { AppContext } from "../../context";
import type { OutgoingMail } from "../../mail/mailer";
import { deliver, lifetimeText, serverName } from "../../mail/deliver";
import { LinkEmail } from "../../../views/mail/link-email";
import type { AdminCall } from "../users/admin-call";
import type { InvitationRow } from "./repository";

type InvitationMail = {
  to: string;
  role: string;
  invitedBy: string;
  url: string;
  token: string;
  expiresAt: Date;
  lifetimeMs: number;
  baseUrl: string;
  sso: boolean;
};

export function invitationEmail(m: InvitationMail): OutgoingMail {
  const server = serverName(m.baseUrl);
  const how = m.sso ? "choose a name and a password, or sign in with your organisation's account" : "choose a name and a password";
  const lines = [`${m.invitedBy} invited you to Agnes at ${server}, as ${m.role}.`, `Open the link below to ${how}; your account is ready as soon as you do.`];
  const notes = [
    `The link works once and expires in ${lifetimeText(m.lifetimeMs)} (${m.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC).`,
    "If you did not expect this invitation, ignore this email: nothing happens without the link.",
  ];
  const text = ["Hello,", "", ...lines, "", m.url, "", ...notes, "", `Agnes at ${server}`].join("\n");
  const html = LinkEmail({ title: `You are invited to Agnes at ${server}`, lines, url: m.url, button: "Accept the invitation", notes, server });
  return { to: m.to, subject: `You are invited to Agnes at ${server}`, text, html, secrets: [m.token] };
}

/** Emails the link and audits the outcome (its own entry: the invitation was committed before the send). */
export async function emailInvitation(
  ctx: AppContext,
  call: AdminCall,
  row: InvitationRow,
  link: { url: string; token: string; baseUrl: string },
): Promise<boolean> {
  if (!ctx.mailer) return false;
  const mail = invitationEmail({
    to: row.email,
    role: row.role,
    invitedBy: call.actor.email,
    url: link.url,
    token: link.token,
    expiresAt: row.expires_at,
    lifetimeMs: ctx.config.inviteDays * 86_400_000,
    baseUrl: link.baseUrl,
    sso: ctx.config.sso.providers.length > 0,
  });
  const sent = await deliver(ctx.mailer, ctx.log, mail, "invitation", { invitation_id: row.id });
  const params = { invitation_id: row.id, email: row.email, role: row.role, email_sent: sent };
  await ctx.audit.record(ctx.db, { actor: call.actor, action: "invitation.email", target: null, params, ip: call.ip });
  return sent;
}
