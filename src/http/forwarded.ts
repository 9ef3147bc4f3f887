// The one rule for what a reverse proxy tells us. With TRUST_PROXY=1 there is exactly one proxy in
// front of us, and what it adds comes last: it appends its peer to X-Forwarded-For, and whatever it
// sets or appends to X-Forwarded-Host/-Proto ends the list too. Earlier entries are whatever the
// client chose to send, so the client address, the host and the protocol all come from the LAST
// entry of their header (several header lines count as one list, in order). A last entry that is
// not valid (an IP address; a plain host[:port]; http or https) is ignored, never replaced by an
// earlier one: the request's own socket address, Host and scheme are used instead.
// RFC 7239 `Forwarded` is not read: one header family, one rule. Without TRUST_PROXY nothing here
// is read at all.
import { isIP } from "node:net";
import type { Config } from "../config";
import { isValidHost, requestUrl } from "./request-url";

type ProxyTrust = Pick<Config, "trustProxy">;

// Letters, digits, `-` and `.` (no `_`: it is not valid in a URL's host for every client), or a
// bracketed IPv6 literal; an optional port. Nothing a shell or an HTML page could interpret: the
// host is baked into install.sh and links.
const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** A host[:port] fit to build links from: plain characters, a port 1–65535, a valid IPv6 literal. */
export function isPlainHost(host: string): boolean {
  return PLAIN_HOST.test(host) && isValidHost(host);
}

/** The last comma-separated entry of a header, trimmed; "" when the header ends in an empty entry. */
function lastEntry(request: Request, header: string): string | undefined {
  const value = request.headers.get(header);
  if (value === null) return undefined;
  return value.slice(value.lastIndexOf(",") + 1).trim();
}

/** The address our proxy saw (last X-Forwarded-For entry, an IP address), or undefined. */
export function forwardedFor(request: Request, config: ProxyTrust): string | undefined {
  if (!config.trustProxy) return undefined;
  const last = lastEntry(request, "x-forwarded-for");
  return last && isIP(last) ? last : undefined;
}

/** The host users asked our proxy for (last X-Forwarded-Host entry, a plain host[:port]), or undefined. */
export function forwardedHost(request: Request, config: ProxyTrust): string | undefined {
  if (!config.trustProxy) return undefined;
  const last = lastEntry(request, "x-forwarded-host");
  return last && isPlainHost(last) ? last : undefined;
}

/** The scheme users spoke to our proxy (last X-Forwarded-Proto entry, http or https), or undefined. */
export function forwardedProto(request: Request, config: ProxyTrust): "http" | "https" | undefined {
  if (!config.trustProxy) return undefined;
  const last = lastEntry(request, "x-forwarded-proto")?.toLowerCase();
  return last === "http" || last === "https" ? last : undefined;
}

export type RequestOrigin = { proto: string; host: string };

/**
 * How the user reached us, by the rule above: the proxy's word when trusted and valid, else the
 * request's own scheme and Host header. The Host is returned as sent (two Host headers arrive as
 * "a, b"): whoever builds a link from it checks it with isPlainHost.
 */
export function requestOrigin(request: Request, config: ProxyTrust): RequestOrigin {
  const url = requestUrl(request);
  return {
    proto: forwardedProto(request, config) ?? url.protocol.slice(0, -1),
    host: forwardedHost(request, config) ?? request.headers.get("host") ?? url.host,
  };
}
