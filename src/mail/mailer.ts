// Outgoing mail through SMTP_URL (smtp://[user:pass@]host[:port] or smtps://…), one connection per
// message: Agnes sends a handful of reset links, not newsletters, so there is no pool to keep alive.
//   TLS      smtps:// is TLS from the first byte. smtp:// upgrades with STARTTLS whenever the server
//            offers it (nodemailer's default; we never set ignoreTLS, which would send the password
//            in clear text to a server that supports TLS); `?requireTLS=true` refuses servers without it.
//   time     a dead or silent server fails the send within seconds, never hangs the admin's request:
//            short connection/greeting/socket timeouts plus an overall deadline.
//   secrets  the URL's password and the message body (which carries a reset link) are never logged:
//            nodemailer's own logger stays off and errors are reduced to a code and a scrubbed message.
import { createTransport } from "nodemailer";
import type { Mailbox } from "./address";

export type OutgoingMail = {
  to: string;
  subject: string;
  text: string;
  /** An HTML alternative of `text` (multipart/alternative); every dynamic part escaped by the view that built it. */
  html?: string;
  /** Strings of the message that must not reach a log line (a reset token), scrubbed from errors. */
  secrets?: string[];
};

export type Mailer = {
  /** The server, without credentials, for log lines: `smtp://host:port`. */
  readonly server: string;
  /** Resolves once the server accepted the message; rejects with MailNotSent otherwise. */
  send(mail: OutgoingMail): Promise<void>;
};

/** Why a message was not sent, safe to log: no password, no message content. */
export class MailNotSent extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly responseCode: number | null,
  ) {
    super(message);
  }
}

const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 10_000, dnsTimeout: 10_000 };
const SEND_DEADLINE_MS = 30_000;

export function createSmtpMailer(smtpUrl: string, from: Mailbox): Mailer {
  const url = new URL(smtpUrl);
  const password = passwordForms(url);
  const server = `${url.protocol}//${url.host}`;
  const transport = createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS, logger: false, debug: false });
  return {
    server,
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          signal: AbortSignal.timeout(SEND_DEADLINE_MS),
        });
        if (info.accepted.length === 0) throw new MailNotSent("the server accepted no recipient", "EENVELOPE", null);
      } catch (error) {
        throw error instanceof MailNotSent ? error : notSent(error, [...password, ...(mail.secrets ?? [])]);
      }
    },
  };
}

/** The password as it may appear in text: as written in the URL and percent-decoded. */
function passwordForms(url: URL): string[] {
  return url.password ? [url.password, safeDecode(url.password)] : [];
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function notSent(error: unknown, secrets: string[]): MailNotSent {
  const e = (error ?? {}) as { message?: unknown; code?: unknown; responseCode?: unknown; name?: unknown };
  let message = typeof e.message === "string" ? e.message : String(error);
  for (const secret of secrets) if (secret) message = message.split(secret).join("***");
  const code = typeof e.code === "string" ? e.code : typeof e.name === "string" ? e.name : "EUNKNOWN";
  const responseCode = typeof e.responseCode === "number" ? e.responseCode : null;
  return new MailNotSent(message.slice(0, 300), code, responseCode);
}
