// Walks the test provider's real sign-in and consent pages with fetch and a cookie jar, as a browser
// would, until the provider redirects back to Agnes. Returns that callback URL (not followed).
const MAX_STEPS = 12;

class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const at = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

function formOf(html: string, base: string): { action: string; fields: Record<string, string> } | null {
  const form = /<form[^>]*action="([^"]+)"[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return null;
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi)) fields[input[1]!] = input[2]!;
  return { action: new URL(form[1]!.replace(/&amp;/g, "&"), base).href, fields };
}

/**
 * `login`: the provider account to sign in as; `cancel`: abort at the consent page (access_denied).
 * `callbackPrefix`: where Agnes's callback lives; the first redirect there ends the walk.
 */
export async function walkProvider(authorizationUrl: string, opts: { login: string; callbackPrefix: string; cancel?: boolean }): Promise<string> {
  const jar = new CookieJar();
  let url = authorizationUrl;
  let init: RequestInit = {};
  for (let step = 0; step < MAX_STEPS; step++) {
    const res = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
    jar.take(res);
    const location = res.headers.get("location");
    if (location) {
      const next = new URL(location, url).href;
      if (next.startsWith(opts.callbackPrefix)) return next;
      url = next;
      init = {};
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`provider answered ${res.status} at ${url}: ${html.slice(0, 300)}`);
    if (opts.cancel && html.includes('name="prompt" value="consent"')) {
      const abort = /href="([^"]*\/abort)"/.exec(html);
      if (!abort) throw new Error("no abort link on the consent page");
      url = new URL(abort[1]!, url).href;
      init = {};
      continue;
    }
    const form = formOf(html, url);
    if (!form) throw new Error(`no form on the provider page at ${url}`);
    const fields = form.fields.prompt === "login" ? { ...form.fields, login: opts.login, password: "any" } : form.fields;
    url = form.action;
    init = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) };
  }
  throw new Error("the provider never redirected back to Agnes");
}
