// A request's URL, parsed once and never throwing. Bun builds `request.url` from the Host header,
// so a crafted Host (a port outside 1–65535, a broken IPv6 literal, spaces) can make
// `new URL(request.url)` throw, and a throw inside an error or after-response hook once ended the
// process. The front door refuses such a Host with 400 (hasValidHost); everything after it reads the
// URL through requestUrl, which falls back to the path on a fixed base instead of throwing.
const FALLBACK_BASE = "http://localhost";
const parsed = new WeakMap<Request, URL>();

export function requestUrl(request: Request): URL {
  let url = parsed.get(request);
  if (!url) {
    url = parseLeniently(request.url);
    parsed.set(request, url);
  }
  return url;
}

function parseLeniently(raw: string): URL {
  try {
    return new URL(raw, FALLBACK_BASE);
  } catch {
    const path = raw.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "");
    try {
      return new URL(path.startsWith("/") ? path : "/", FALLBACK_BASE);
    } catch {
      return new URL("/", FALLBACK_BASE);
    }
  }
}

// host[:port]: a DNS-style name (letters, digits, `-`, `_`, `.`), an IPv4 address or a bracketed
// IPv6 literal, and an optional port from 1 to 65535.
const HOST_AND_PORT = /^(?:[A-Za-z0-9_.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::(\d{1,5}))?$/;

export function isValidHost(host: string): boolean {
  const match = HOST_AND_PORT.exec(host);
  if (!match) return false;
  if (match[1] !== undefined && (Number(match[1]) < 1 || Number(match[1]) > 65535)) return false;
  return URL.canParse(`http://${host}/`);
}

// Nearly every request names one of a handful of hosts: remember the valid ones (bounded).
const knownValidHosts = new Set<string>();
const MAX_KNOWN_HOSTS = 64;

/**
 * A missing Host (HTTP/1.0, a load balancer's health check) is fine; a present one must be a valid
 * host[:port]. Read from request.url, which Bun builds from the Host header: reading the headers
 * themselves makes Bun copy all of them into a Headers object, which costs a cheap request more than
 * its own work. Bun leaves the URL relative when the Host is missing or holds characters a URL's
 * host cannot (space, `/`, `?`, `#`, `@`, `\`); only then is the header read. A second Host header
 * is not refused here (Bun's URL takes the first); what builds links from the Host refuses it.
 */
export function hasValidHost(request: Request): boolean {
  const url = request.url;
  if (lastValidOrigin !== "" && url.startsWith(lastValidOrigin)) return true;
  if (url.startsWith("/")) {
    const header = request.headers.get("host");
    return header === null || isKnownValidHost(header);
  }
  const start = url.indexOf("://") + 3;
  const end = url.indexOf("/", start);
  if (!isKnownValidHost(end === -1 ? url.slice(start) : url.slice(start, end))) return false;
  if (end !== -1) lastValidOrigin = url.slice(0, end + 1);
  return true;
}

// The scheme, host and the `/` after it of the last URL that passed: most requests start the same.
let lastValidOrigin = "";

function isKnownValidHost(host: string): boolean {
  if (knownValidHosts.has(host)) return true;
  if (!isValidHost(host)) return false;
  if (knownValidHosts.size < MAX_KNOWN_HOSTS) knownValidHosts.add(host);
  return true;
}
