// A real SMTP server inside the test (the `smtp-server` package, on 127.0.0.1, any AUTH accepted, no
// TLS offered), whose messages are parsed back with `mailparser`: what a mail client would see, text
// and HTML parts, headers decoded. For the onboarding emails and the tokens' expiry and
// revoked-by-value notices; test/helpers/smtp-sink.ts stays the hand-written sink the older
// reset-link tests use (they make it refuse AUTH or RCPT).
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = { envelopeTo: string[]; parsed: ParsedMail };

export type TestSmtpServer = {
  port: number;
  url: string;
  messages: ReceivedMail[];
  /** Waits (bounded) until `count` messages have arrived, or fails naming how many did. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
};

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: "test" });
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          messages.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.server.address() as { port: number }).port));
  });
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} message(s), ${messages.length} arrived within ${timeoutMs} ms`);
        await Bun.sleep(20);
      }
      return messages.slice(0, count);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link to `path` in a message's text part (what a person would click). */
export function linkIn(mail: ReceivedMail, path: string): string {
  const match = new RegExp(`https?://\\S+${path.replace(/[/?]/g, "\\$&")}\\S*`).exec(mail.parsed.text ?? "");
  if (!match) throw new Error(`no ${path} link in: ${mail.parsed.text}`);
  return match[0];
}
