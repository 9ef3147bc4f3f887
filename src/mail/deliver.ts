// Sending one message after its link was committed, as best effort: the caller has what it needs
// whatever happens here, so a refused or unreachable SMTP server is logged (never with the link or
// the SMTP password: MailNotSent is already scrubbed) and reported as `false`, never thrown.
import type { Logger, LogFields } from "../log";
import { MailNotSent, type Mailer, type OutgoingMail } from "./mailer";

/** True only when the SMTP server accepted the message; false without a mailer or on any failure. */
export async function deliver(mailer: Mailer | null, log: Logger, mail: OutgoingMail, event: string, fields: LogFields): Promise<boolean> {
  if (!mailer) return false;
  try {
    await mailer.send(mail);
    log.info(`${event}.email_sent`, { ...fields, smtp_server: mailer.server });
    return true;
  } catch (error) {
    const reason = error instanceof MailNotSent ? error : new MailNotSent("unexpected error while sending", "EUNKNOWN", null);
    log.warn(`${event}.email_failed`, { ...fields, smtp_server: mailer.server, code: reason.code, response_code: reason.responseCode, reason: reason.message });
    return false;
  }
}

/** The server's name in an email: the host people reach it at (PUBLIC_URL, which SMTP_URL requires). */
export function serverName(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

/** "7 days", "1 hour": how long a link works, for an email's text. */
export function lifetimeText(ms: number): string {
  const hours = Math.round(ms / 3_600_000);
  if (hours % 24 === 0) return hours === 24 ? "24 hours" : `${hours / 24} days`;
  return hours === 1 ? "1 hour" : `${hours} hours`;
}
