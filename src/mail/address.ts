// The sender address of outgoing mail (SMTP_FROM). Parsed here into a name and an address and handed
// to nodemailer as an object, so a comma or quote in the name cannot turn into a second address and
// no CR/LF can reach a header.
import { z } from "zod";

export type Mailbox = { name: string; address: string };

const MAILBOX = /^(?:"?([^"<>\r\n]*?)"?\s*<([^<>\s]+)>|([^<>\s]+))$/;
const emailAddress = z.email();

/** `addr@example.com` or `Name <addr@example.com>` (the name may be in double quotes). */
export const mailboxSchema = z.string().transform((value, issue): Mailbox => {
  const match = MAILBOX.exec(value.trim());
  const address = match?.[2] ?? match?.[3] ?? "";
  const name = (match?.[1] ?? "").trim();
  if (!match || !emailAddress.safeParse(address).success || name.length > 100) {
    issue.addIssue({ code: "custom", message: "expected an address like agnes@example.com or Agnes <agnes@example.com>" });
    return z.NEVER;
  }
  return { name, address };
});

const DOMAIN = /^(?=.*[A-Za-z])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;

/** Without SMTP_FROM: no-reply@ the PUBLIC_URL's domain, or agnes@localhost when there is no domain to use. */
export function defaultSender(publicUrl: string | null): Mailbox {
  const host = publicUrl ? new URL(publicUrl).hostname : "";
  return { name: "Agnes", address: DOMAIN.test(host) ? `no-reply@${host}` : "agnes@localhost" };
}
