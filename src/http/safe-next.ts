// `next` may only send the browser to a path on this site. The value that goes into `Location` is
// the one that is checked: the input is normalised first (dot segments, percent-encoded dots), and
// then the RESULT must be a plain local path. Checking the input alone let `/.//evil.com` through,
// which normalises to the scheme-relative `//evil.com`.
const BASE = "http://agnes.invalid";

export function safeNextPath(next: unknown, fallback = "/dashboard"): string {
  if (typeof next !== "string" || next.length === 0 || next.length > 2000) return fallback;
  if (!isLocalPath(next)) return fallback;
  let resolved: URL;
  try {
    resolved = new URL(next, BASE);
  } catch {
    return fallback;
  }
  const location = resolved.pathname + resolved.search + resolved.hash;
  return resolved.origin === BASE && isLocalPath(location) ? location : fallback;
}

/** One leading slash, then no slash or backslash right after it, and no control characters. */
function isLocalPath(path: string): boolean {
  return /^\/(?![/\\])/.test(path) && !path.includes("\\") && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(path);
}
