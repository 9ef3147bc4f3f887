// A request's URL as a URL object. Bun builds `request.url` from the Host header, so a crafted Host
// (spaces, slashes) can leave a bare path there; resolving against a fixed base keeps the path and
// query usable instead of throwing.
const FALLBACK_BASE = "http://localhost";

export function requestUrl(request: Request): URL {
  return new URL(request.url, FALLBACK_BASE);
}
