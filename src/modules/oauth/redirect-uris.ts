// Which redirect URIs a client may register, and when a presented one matches (RFC 6749 §3.1.2,
// RFC 8252 for native apps, OAuth 2.1 §2.3.1 / §7.5):
// - `https://…` anywhere;
// - plain `http://` only to this machine's loopback (127.0.0.1, [::1], localhost), where a native
//   app listens on a port it picks at run time: a presented loopback URI matches a registered one
//   on any port (RFC 8252 §7.3), everything else equal;
// - a private-use scheme of a desktop app (`com.example.app:/cb`, `cursor://…`), matched exactly;
// never a fragment, user info, or a scheme a browser runs or reads locally (javascript:, data:, file:).
// Every other comparison is an exact string match: no prefix, no normalisation, so a look-alike
// (`https://app.example.com.evil.test/cb`, an added `/..`, a different case) never matches.
import { BadRequest } from "../../shared/errors";

export const MAX_REDIRECT_URIS = 10;
const MAX_URI_LENGTH = 2000;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);
const FORBIDDEN_SCHEMES = new Set([
  "javascript",
  "data",
  "file",
  "vbscript",
  "about",
  "blob",
  "filesystem",
  "view-source",
  "ftp",
  "ws",
  "wss",
  "mailto",
  "tel",
  "chrome",
  "intent",
]);

/** Why `uri` may not be registered, or null when it may. */
export function redirectUriProblem(uri: string): string | null {
  if (uri.length > MAX_URI_LENGTH) return `a redirect URI may have at most ${MAX_URI_LENGTH} characters`;
  if (/[\s\\<>"]/.test(uri) || /[^\x21-\x7e]/.test(uri)) return "a redirect URI may not contain spaces, backslashes or characters outside printable ASCII";
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "a redirect URI must be an absolute URI";
  }
  if (url.hash || uri.includes("#")) return "a redirect URI may not contain a fragment (#)";
  if (url.username || url.password) return "a redirect URI may not contain user info";
  const scheme = url.protocol.slice(0, -1);
  if (scheme === "https") return url.hostname ? null : "an https redirect URI needs a host";
  if (scheme === "http")
    return LOOPBACK_HOSTS.has(url.hostname) ? null : "plain http redirect URIs are allowed only to loopback (127.0.0.1, [::1], localhost); use https";
  if (FORBIDDEN_SCHEMES.has(scheme)) return `the scheme ${scheme}: may not be used for redirects`;
  return /^[a-z][a-z0-9+.-]*$/.test(scheme) ? null : "a redirect URI needs a valid scheme";
}

export function checkRedirectUris(uris: readonly string[]): string[] {
  if (uris.length === 0) throw new BadRequest("redirect_uris must list at least one URI");
  if (uris.length > MAX_REDIRECT_URIS) throw new BadRequest(`redirect_uris may list at most ${MAX_REDIRECT_URIS} URIs`);
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new BadRequest(`${problem}: ${uri.slice(0, 200)}`);
  }
  return [...new Set(uris)];
}

const LOOPBACK_URI = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(?::\d{1,5})?(\/[^#]*)?$/;

/** The registered URI `presented` is, or null: exact, except the port of a loopback http URI. */
export function matchRedirectUri(registered: readonly string[], presented: string): string | null {
  if (registered.includes(presented)) return presented;
  // Compared as text with only the port cut out, so no URL normalisation can make two URIs equal.
  const withoutPort = (uri: string) => {
    const match = LOOPBACK_URI.exec(uri);
    return match ? `${match[1]}${match[2] ?? ""}` : null;
  };
  const want = withoutPort(presented);
  return want !== null && redirectUriProblem(presented) === null && registered.some((uri) => withoutPort(uri) === want) ? presented : null;
}

/** What the consent page and the audit trail show of where the person is sent. */
export function redirectHost(uri: string): string {
  const url = new URL(uri);
  return url.protocol === "http:" || url.protocol === "https:" ? url.host : `${url.protocol}//`;
}
