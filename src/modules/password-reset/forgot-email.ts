// The email "forgot password" sends: text and HTML, with the server's name and the link's expiry.
import type { AppContext } from "../../context";
import type { OutgoingMail } from "../../mail/mailer";
import { deliver, lifetimeText, serverName } from "../../mail/deliver";
import { LinkEmail } from "../../../views/mail/link-email";

type ForgotMail = { to: string; url: string; token: string; expiresAt: Date; baseUrl: string };

export function forgotEmail(m: ForgotMail, lifetimeMs: number): OutgoingMail {
  const server = serverName(m.baseUrl);
  const lines = [`Someone asked to reset the password of ${m.to} on Agnes at ${server}.`, "If it was you, open the link below and choose a new password."];
  const notes = [
    `The link works once and expires in ${lifetimeText(lifetimeMs)} (${m.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC). Setting a new password signs you out everywhere.`,
    "If you did not ask for this, ignore this email: your password stays as it is.",
  ];
  const text = ["Hello,", "", ...lines, "", m.url, "", ...notes, "", `Agnes at ${server}`].join("\n");
  const html = LinkEmail({ title: `Reset your Agnes password`, lines, url: m.url, button: "Choose a new password", notes, server });
  return { to: m.to, subject: `Reset your password on Agnes at ${server}`, text, html, secrets: [m.token] };
}

export function emailForgotLink(ctx: AppContext, m: ForgotMail, lifetimeMs: number): Promise<boolean> {
  return deliver(ctx.mailer, ctx.log, forgotEmail(m, lifetimeMs), "password_forgot", {});
}
