// A tiny SMTP server on 127.0.0.1 for tests: greets, answers EHLO/HELO, AUTH PLAIN/LOGIN, MAIL FROM,
// RCPT TO, DATA and QUIT, and keeps every message it accepted. It offers no STARTTLS, like a local
// relay without TLS. `reject` makes it refuse a step, to test how the app handles a refusing server.
import type { Socket, TCPSocketListener } from "bun";

export type SinkMessage = { from: string; to: string[]; auth: { user: string; pass: string } | null; data: string };

export type SmtpSink = {
  port: number;
  messages: SinkMessage[];
  stop: () => void;
};

type Mode = "command" | "data" | "auth-plain" | "auth-login-user" | "auth-login-pass";
type Session = { buffer: string; mode: Mode; from: string; to: string[]; auth: { user: string; pass: string } | null; loginUser: string };

const fromBase64 = (value: string) => Buffer.from(value, "base64").toString("utf8");

export async function startSmtpSink(opts: { reject?: "auth" | "rcpt" } = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];

  function checkPlain(socket: Socket<Session>, encoded: string): void {
    const [, user = "", pass = ""] = fromBase64(encoded).split("\0");
    login(socket, user, pass);
  }

  function login(socket: Socket<Session>, user: string, pass: string): void {
    socket.data.mode = "command";
    if (opts.reject === "auth") return void socket.write("535 5.7.8 Authentication credentials invalid\r\n");
    socket.data.auth = { user, pass };
    socket.write("235 2.7.0 Authentication successful\r\n");
  }

  function command(socket: Socket<Session>, line: string): void {
    const s = socket.data;
    const upper = line.toUpperCase();
    const address = () => /<([^>]*)>/.exec(line)?.[1] ?? "";
    if (upper.startsWith("EHLO")) return void socket.write("250-sink.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n");
    if (upper.startsWith("HELO")) return void socket.write("250 sink.test\r\n");
    if (upper.startsWith("AUTH PLAIN ")) return checkPlain(socket, line.slice(11));
    if (upper === "AUTH PLAIN") {
      s.mode = "auth-plain";
      return void socket.write("334 \r\n");
    }
    if (upper === "AUTH LOGIN") {
      s.mode = "auth-login-user";
      return void socket.write("334 VXNlcm5hbWU6\r\n");
    }
    if (upper.startsWith("MAIL FROM:")) {
      s.from = address();
      s.to = [];
      return void socket.write("250 2.1.0 OK\r\n");
    }
    if (upper.startsWith("RCPT TO:")) {
      if (opts.reject === "rcpt") return void socket.write("550 5.1.1 No such user here\r\n");
      s.to.push(address());
      return void socket.write("250 2.1.5 OK\r\n");
    }
    if (upper === "DATA") {
      s.mode = "data";
      return void socket.write("354 End data with <CR><LF>.<CR><LF>\r\n");
    }
    if (upper === "RSET" || upper === "NOOP") return void socket.write("250 2.0.0 OK\r\n");
    if (upper === "QUIT") {
      socket.write("221 2.0.0 Bye\r\n");
      return void socket.end();
    }
    socket.write("502 5.5.2 Command not recognized\r\n");
  }

  /** Handles whole lines in the buffer; in DATA mode waits for the lone dot that ends the message. */
  function drain(socket: Socket<Session>): void {
    const s = socket.data;
    for (;;) {
      if (s.mode === "data") {
        const text = `\r\n${s.buffer}`;
        const end = text.indexOf("\r\n.\r\n");
        if (end < 0) return;
        const data = text.slice(2, end + 2).replace(/^\.\./gm, ".");
        s.buffer = text.slice(end + 5);
        messages.push({ from: s.from, to: s.to, auth: s.auth, data: Buffer.from(data, "latin1").toString("utf8") });
        s.mode = "command";
        socket.write("250 2.0.0 OK: queued\r\n");
        continue;
      }
      const eol = s.buffer.indexOf("\r\n");
      if (eol < 0) return;
      const line = s.buffer.slice(0, eol);
      s.buffer = s.buffer.slice(eol + 2);
      if (s.mode === "auth-plain") checkPlain(socket, line);
      else if (s.mode === "auth-login-user") {
        s.loginUser = fromBase64(line);
        s.mode = "auth-login-pass";
        socket.write("334 UGFzc3dvcmQ6\r\n");
      } else if (s.mode === "auth-login-pass") login(socket, s.loginUser, fromBase64(line));
      else command(socket, line);
    }
  }

  const server: TCPSocketListener<Session> = Bun.listen<Session>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(socket) {
        socket.data = { buffer: "", mode: "command", from: "", to: [], auth: null, loginUser: "" };
        socket.write("220 sink.test ESMTP test sink\r\n");
      },
      data(socket, chunk) {
        socket.data.buffer += chunk.toString("latin1"); // bytes as they came; decoded per message
        drain(socket);
      },
    },
  });
  return { port: server.port, messages, stop: () => server.stop(true) };
}

/** The decoded text body of a single-part message (7bit/8bit, quoted-printable or base64). */
export function messageText(data: string): { headers: string; text: string } {
  const split = data.indexOf("\r\n\r\n");
  const headers = data.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const body = data.slice(split + 4);
  const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === "base64") return { headers, text: fromBase64(body.replace(/\s+/g, "")) };
  if (encoding !== "quoted-printable") return { headers, text: body };
  const bytes = body.replace(/=\r\n/g, "").replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return { headers, text: Buffer.from(bytes, "latin1").toString("utf8") };
}
