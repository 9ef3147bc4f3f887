// What a signed-in browser does in `da login`, done with fetch for the CLI tests that are about
// da's side (cancel, approve, device codes): sign in with the form, read a page's CSRF token and
// hidden fields, post the decision, follow the redirect to da's loopback callback.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunningServer } from "../helpers/server";

export type FetchBrowser = { cookie: string; csrf: string };

export async function signInWithForm(server: RunningServer, email: string, password: string): Promise<FetchBrowser> {
  const res = await fetch(`${server.url}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password }),
    redirect: "manual",
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("access_token="));
  if (!cookie) throw new Error(`form sign-in failed: ${res.status}`);
  const page = await (await fetch(`${server.url}/profile`, { headers: { cookie } })).text();
  return { cookie, csrf: hiddenFields(page)._csrf! };
}

export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)) fields[match[1]!] = match[2]!;
  return fields;
}

/** Opens the authorize URL da printed, answers it, and returns the text of da's callback page. */
export async function answerAuthorize(url: string, browser: FetchBrowser, decision: "authorize" | "cancel"): Promise<string> {
  const page = await (await fetch(url, { headers: { cookie: browser.cookie, accept: "text/html" } })).text();
  const fields = hiddenFields(page.slice(page.indexOf('action="/cli/authorize"')));
  const posted = await fetch(new URL("/cli/authorize", url), {
    method: "POST",
    headers: { cookie: browser.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...fields, decision }),
    redirect: "manual",
  });
  const location = posted.headers.get("location");
  if (posted.status !== 303 || !location) throw new Error(`authorize answered ${posted.status}`);
  return (await fetch(location)).text();
}

/** A $BROWSER for da that only writes down the URL it was asked to open. */
export function urlCatcher(dir: string): { browser: string; url: () => string | null } {
  const file = join(dir, "opened-url");
  const browser = join(dir, "catch-url.sh");
  writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$1" > '${file}.tmp' && mv '${file}.tmp' '${file}'\n`);
  chmodSync(browser, 0o755);
  return { browser, url: () => (existsSync(file) ? readFileSync(file, "utf8").trim() : null) };
}

/** Polls `read` until it gives a value (bounded). */
export async function waitForValue<T>(read: () => T | null, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}
