// The HTML part of an email that carries one link (an invitation, a password reset). Every dynamic
// text is escaped (`safe`); the link is ours (the server's base URL and a base64url token), and
// attributes escape `"` anyway. Inline styles only: mail clients drop style sheets.

export type LinkEmailProps = {
  title: string;
  /** Paragraphs of plain text, in order. */
  lines: string[];
  url: string;
  button: string;
  /** After the button: expiry, what to do if unexpected. */
  notes: string[];
  server: string;
};

export function LinkEmail(props: LinkEmailProps): string {
  return (
    "<!doctype html>" +
    (
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <title safe>{props.title}</title>
        </head>
        <body style="font-family: sans-serif; line-height: 1.5; color: #222;">
          <h1 style="font-size: 20px;" safe>
            {props.title}
          </h1>
          {props.lines.map((line) => (
            <p safe>{line}</p>
          ))}
          <p>
            <a
              href={props.url}
              style="display: inline-block; padding: 10px 16px; background: #1d4ed8; color: #fff; text-decoration: none; border-radius: 4px;"
              safe
            >
              {props.button}
            </a>
          </p>
          <p style="font-size: 13px; color: #555;">
            Or copy this address into your browser: <span safe>{props.url}</span>
          </p>
          {props.notes.map((note) => (
            <p style="font-size: 13px; color: #555;" safe>
              {note}
            </p>
          ))}
          <p style="font-size: 13px; color: #555;" safe>
            {`Agnes at ${props.server}`}
          </p>
        </body>
      </html>
    )
  );
}
