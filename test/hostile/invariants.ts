// The invariants every hostile request must keep, and the loop that checks them against a Harness:
//   alive      the process still answers /health afterwards
//   no 5xx     (and an answer at all, unless the request's own framing was broken)
//   no leaks   no stack trace, absolute path, source location or error class name in the body
//   {detail}   an API error (/api/*, /auth/* JSON, /cli/*) is exactly {"detail": string} (the two OAuth
//              token endpoints add RFC 6749's `error` code, and `interval` with slow_down)
//   unchanged  a refused request (4xx, or no answer) left users, tokens and the audit trail as they were
import fc from "fast-check";
import { resolve } from "node:path";
import type { Harness } from "./harness";
import type { HostileInput } from "./generators";
import { describeRequest, materialise } from "./materialise";
import { rawRequest, type RawRequest, type RawResponse } from "./raw-http";
import { GRANT_ERROR_PATHS, isJsonApiPath } from "./routes";

const ROOT = resolve(import.meta.dir, "../..");

const LEAKS: [string, RegExp][] = [
  ["stack frame", /\n\s+at \S.*[:(]\d+:\d+\)?/],
  ["stack frame", /\bat (async )?\S+ \((\/|file:)/],
  ["source path", new RegExp(ROOT.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))],
  ["node_modules path", /node_modules\//],
  ["source location", /\.(tsx?|mjs|js):\d+:\d+/],
  ["temp data dir", /\/tmp\/agnes-/],
  ["error class", /\b(TypeError|RangeError|SyntaxError|ReferenceError|ERR_INVALID_URL)\b/],
];

/** An answer from our app carries the security headers; one from Bun's HTTP parser does not. */
export const fromApp = (res: RawResponse) => res.headers["x-content-type-options"] === "nosniff";

export function responseViolations(req: RawRequest, res: RawResponse, framingBroken: boolean, origin?: string): string[] {
  const out: string[] = [];
  if (res.timedOut) out.push("no answer before the time limit");
  else if (res.status === 0 && !framingBroken) out.push("connection closed without an HTTP answer");
  if (res.status >= 500) out.push(`status ${res.status}`);
  // A script we ship (the WebAuthn browser library) names error classes in its code: that is not a leak.
  const shippedScript = res.status === 200 && /javascript/.test(String(res.headers["content-type"] ?? ""));
  // The backups page names its folder on purpose (an admin asked where backups go); under test it is a temp dir.
  const namesBackupDir = res.status === 200 && req.target.startsWith("/admin/backups");
  for (const [what, pattern] of shippedScript ? [] : LEAKS) {
    if (namesBackupDir && what === "temp data dir") continue;
    if (pattern.test(res.body)) out.push(`body leaks a ${what}: ${JSON.stringify(pattern.exec(res.body)![0])}`);
  }
  const location = res.headers.location;
  if (location !== undefined) {
    const problem = offSiteLocation(location, origin);
    if (problem) out.push(`Location ${JSON.stringify(location)} ${problem}`);
  }
  const path = req.target.startsWith("/") ? req.target : "/";
  if (res.status >= 400 && isJsonApiPath(path) && fromApp(res) && req.method.toUpperCase() !== "HEAD") {
    let ok = false;
    try {
      const parsed = JSON.parse(res.body) as unknown;
      const keys = GRANT_ERROR_PATHS.includes(path.split("?")[0]!) ? ["detail", "error", "error_description", "interval"] : ["detail"];
      ok =
        !!parsed &&
        typeof parsed === "object" &&
        !Array.isArray(parsed) &&
        Object.keys(parsed).every((k) => keys.includes(k)) &&
        typeof (parsed as { detail: unknown }).detail === "string";
    } catch {
      ok = false;
    }
    if (!ok) out.push(`API error body is not exactly {"detail": string}: ${JSON.stringify(res.body.slice(0, 120))}`);
  }
  return out;
}

/**
 * What a refused request must not change, read through the admin API (a handful of cheap reads):
 * every user (all fields), every token (minus last_used_at, which the activity batch updates on use),
 * and how many audit entries exist besides failed/refused sign-ins (each of those is a refusal that
 * is *meant* to be recorded). Sessions are covered by the audit trail: opening or ending one writes
 * auth.login / auth.logout / auth.session_end / auth.sessions_end_others.
 */
export async function stateSnapshot(h: Harness): Promise<string> {
  const get = (path: string) => h.api("GET", path);
  const [users, tokens, all, failed, refused] = await Promise.all([
    get("/api/users?limit=500"),
    get("/auth/admin/tokens?limit=1000&state=all"),
    get("/api/audit?limit=1"),
    get("/api/audit?limit=1&action=auth.login_failed"),
    get("/api/audit?limit=1&action=auth.login_refused"),
  ]);
  for (const r of [users, tokens, all, failed, refused]) if (r.status !== 200) throw new Error(`snapshot read failed: ${r.status} ${r.url}`);
  const total = (r: Response) => Number(r.headers.get("x-total-count"));
  const tokenRows = ((await tokens.json()) as Record<string, unknown>[]).map(({ last_used_at: _, ...rest }) => rest);
  return JSON.stringify({
    users: await users.json(),
    tokens: tokenRows,
    audit: total(all) - total(failed) - total(refused),
  });
}

const ORIGIN = "http://agnes.test:8000";

/**
 * Why a Location would take a browser off this site, or null. Browsers treat `\` like `/` and drop
 * tabs and newlines in URLs, so those are judged the way a browser would read them.
 */
export function offSiteLocation(location: string, origin = ORIGIN): string | null {
  if (/[\u0000-\u001f\u007f]/.test(location)) return "contains a control character";
  const asBrowser = location.replace(/\\/g, "/");
  if (asBrowser.startsWith("//")) return "is scheme-relative";
  let resolved: URL;
  try {
    resolved = new URL(asBrowser, origin);
  } catch {
    return "does not parse as a URL";
  }
  return resolved.origin === origin ? null : `leaves the site (${resolved.origin})`;
}

export type Outcome = { request: RawRequest; response: RawResponse; violations: string[]; died: boolean };

/** Per-harness baseline of the state, refreshed after every request that was not refused. */
const baselines = new WeakMap<Harness, string>();

/** Sends one hostile request, checks every invariant, and brings the server back if it died. */
export async function exercise(h: Harness, input: HostileInput, opts: { checkState?: boolean; timeoutMs?: number } = {}): Promise<Outcome> {
  const checkState = opts.checkState ?? true;
  if (checkState && !baselines.has(h)) baselines.set(h, await stateSnapshot(h));
  const request = materialise(input, h.port, h.accounts);
  const response = await rawRequest(h.port, request, opts.timeoutMs ?? 30_000);
  // Bun's HTTP parser may hang up on broken framing, a missing/odd Host or a verb it does not know:
  // no answer is acceptable there (the process must still be alive); anywhere else it is a violation.
  const knownVerb = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].includes(input.method);
  const framingBroken = input.contentLength !== "auto" || input.host.kind !== "ok" || !knownVerb;
  const violations = responseViolations(request, response, framingBroken, h.origin);
  const health = await h.health();
  const died = health !== "ok";
  if (died) {
    violations.push(health === "exited" ? `server process died (${h.crashReason()})` : "server stopped answering /health (hung)");
    await h.revive();
    baselines.delete(h);
  } else if (checkState) {
    const after = await stateSnapshot(h);
    const refused = response.status === 0 || response.status >= 400;
    if (refused && after !== baselines.get(h)) violations.push(`refused request (${response.status}) changed state`);
    baselines.set(h, after);
  }
  return { request, response, violations, died };
}

/** A fast-check property over hostile inputs that fails with the request and every broken invariant. */
export function hostileProperty(h: Harness, arb: fc.Arbitrary<HostileInput>, opts: { checkState?: boolean } = {}) {
  return fc.asyncProperty(arb, async (input) => {
    const outcome = await exercise(h, input, opts);
    if (outcome.violations.length) {
      throw new Error(
        `${outcome.violations.join("; ")}\n--- request (${input.route.method} ${input.route.path}) ---\n${describeRequest(outcome.request)}\n--- answer ${outcome.response.status} ---\n${outcome.response.body.slice(0, 300)}`,
      );
    }
  });
}

/** fc.assert with a wall-clock cap on running and shrinking, so a run stays inside the test timeout. */
export async function assertHostile(prop: ReturnType<typeof hostileProperty>, numRuns: number, timeLimitMs: number, seed?: number): Promise<void> {
  await fc.assert(prop, { numRuns, seed, endOnFailure: false, plugins: [fc.interruptAfterTimeLimit(timeLimitMs)] });
}
