// How the Authorization header is read (src/auth/principal.ts, readCredential): the `Bearer` scheme
// in any case, then one or more spaces or tabs, then the token (RFC 9110 §11.4, §5.6.3). Nothing else
// separates: a no-break space, a vertical tab or a form feed (which a regular expression's `\s`
// takes for whitespace) is not HTTP's whitespace, so a header that has one names no token we issued
// and gets a 401. A header carries bytes, so a Unicode space arrives as its UTF-8 bytes, each read
// as one Latin-1 character.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
let credentials: Record<"session" | "PAT", string>;
beforeAll(async () => {
  t = await createTestApp();
  const session = await t.login();
  const res = await t.api("POST", "/auth/tokens", { token: session, body: { name: "header" } });
  credentials = { session, PAT: ((await res.json()) as { token: string }).token };
});
afterAll(() => t.close());

const me = async (authorization: string) => (await t.handle("/auth/me", { headers: { authorization } })).status;

describe.each(["session", "PAT"] as const)("a %s", (kind) => {
  test("is read after the scheme in any case, and after several spaces or a tab", async () => {
    const token = credentials[kind];
    for (const header of [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`, `Bearer   ${token}`, `Bearer\t${token}`, `Bearer ${token}\t`]) {
      expect([header, await me(header)]).toEqual([header, 200]);
    }
  });

  test("is not read next to what is not HTTP's whitespace (no-break space, vertical tab, form feed, a UTF-8 space)", async () => {
    const token = credentials[kind];
    const utf8Bytes = (char: string) => String.fromCharCode(...new TextEncoder().encode(char));
    for (const space of ["\u00a0", "\v", "\f", utf8Bytes("\u2007"), utf8Bytes("\u3000")]) {
      for (const header of [`Bearer${space}${token}`, `Bearer ${token}${space}`, `Bearer ${space}${token}`]) {
        expect([JSON.stringify(header), await me(header)]).toEqual([JSON.stringify(header), 401]);
      }
    }
  });

  test("is not read with anything after it, or under another scheme", async () => {
    const token = credentials[kind];
    for (const header of [`Bearer ${token} x`, `Bearer ${token},`, `Basic ${token}`, `Bearer${token}`, token]) {
      expect([header, await me(header)]).toEqual([header, 401]);
    }
  });
});
