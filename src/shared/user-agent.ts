// What a person reads for a session's client ("Chrome on Linux", "da on build-box") instead of a raw
// User-Agent, and the User-Agent `da` sends so the server can say so. Only the browser and OS family
// are told apart: the raw string stays beside it (in a tooltip) for anyone who needs the details.

/** `da/0.4.1 (linux; x64; build-box)`: what `da` sends on every request. */
export function daUserAgent(version: string, os: string, arch: string, host: string): string {
  const clean = (s: string) => s.replace(/[^\w.-]+/g, "-").slice(0, 64) || "unknown";
  return `da/${clean(version)} (${clean(os)}; ${clean(arch)}; ${clean(host)})`;
}

const DA = /^da\/[\w.-]+ \(([\w.-]+); ([\w.-]+); ([\w.-]+)\)/;

// Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari", iOS also says "Mac OS X".
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, "Edge"],
  [/\b(OPR|Opera)\//, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\b(Firefox|FxiOS)\//, "Firefox"],
  [/(\b|Headless)(Chrome|CriOS|Chromium)\//, "Chrome"],
  [/\bVersion\/[\d.]+.*\bSafari\//, "Safari"],
  [/^curl\//, "curl"],
  [/^Wget\//, "Wget"],
  [/^python-requests\//, "Python requests"],
  [/^Bun\//, "a Bun script"],
  [/^node\b|^undici\b/, "a Node.js script"],
];
const SYSTEMS: [RegExp, string][] = [
  [/\b(iPhone|iPad|iPod)\b/, "iOS"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bWindows\b/, "Windows"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b|\bX11\b/, "Linux"],
];

/** "Chrome on Linux", "da on build-box", "curl"; "Unknown client" when nothing is recognised. */
export function describeClient(userAgent: string | null | undefined): string {
  if (!userAgent) return "Unknown client";
  const da = DA.exec(userAgent);
  if (da) return `da on ${da[3]}`;
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? (system ? `A browser on ${system}` : "Unknown client");
}
