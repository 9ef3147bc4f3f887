/**
 * `next` may only send the browser to a path on this site. Rejects absolute URLs, scheme-relative
 * `//host`, backslash tricks (`/\host`, which browsers treat as `//host`) and control characters.
 */
export function safeNextPath(next: unknown, fallback = "/dashboard"): string {
  if (typeof next !== "string" || next.length === 0 || next.length > 2000) return fallback;
  if (!next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return fallback;
  if (/[\u0000-\u001f\u007f]/.test(next)) return fallback;
  try {
    const resolved = new URL(next, "http://agnes.invalid");
    if (resolved.origin !== "http://agnes.invalid") return fallback;
    return resolved.pathname + resolved.search + resolved.hash;
  } catch {
    return fallback;
  }
}
