// Text from elsewhere, made harmless for a terminal. A string a server sends (a name, an error's
// detail) or a dataset holds (a cell someone else uploaded) could carry control sequences that,
// printed as they are, clear or retitle the terminal, move the cursor over earlier output, or set
// the clipboard (OSC 52). C0 controls but the newline and the tab, DEL and C1 controls are shown as
// `\xNN`.
// Where data must stay byte for byte (`da query` into a pipe or a file) it is not applied.

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Every control character, the newline and the tab too: for one-line places such as a table's cells. */
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f]/g;

const shown = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;

export function inert(text: string): string {
  return text.replace(CONTROL, shown);
}

export function inertLine(text: string): string {
  return text.replace(CONTROL_OR_NEWLINE, shown);
}

/** JSON.parse with every string value made inert (keys are left: the caller reads them, never prints them raw). */
export function parseInert(text: string): unknown {
  return JSON.parse(text, (_key, value) => (typeof value === "string" ? inert(value) : value));
}
