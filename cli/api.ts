// The one HTTP client every command uses: base URL, bearer credential, timeout, and the mapping
// from a failed request to a one-line message, a hint and an exit code (never a stack trace).
import { arch, hostname, platform } from "node:os";
import { CLI_MIN_VERSION_HEADER, type ErrorBody } from "../src/shared/contract";
import { daUserAgent } from "../src/shared/user-agent";
import { CLI_VERSION } from "./build-info";
import type { Credential } from "./context";
import { PAT_PREFIX } from "../src/shared/token-format";
import { CliError, ServerError, UsageError } from "./errors";
import { noteTokenExpiry } from "./token-expiry";
import { checkVersionFloor, needsFloorCheck } from "./version-floor";
import { sys } from "./system";
import { inert, parseInert } from "./inert";

export const REQUEST_TIMEOUT_MS = 15_000;

/** DA_TIMEOUT (seconds) overrides the default, e.g. for a slow VPN or a CI job that must fail fast. */
export function requestTimeoutMs(env: Record<string, string | undefined> = sys().env): number {
  const raw = env.DA_TIMEOUT;
  if (raw === undefined || raw === "") return REQUEST_TIMEOUT_MS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new UsageError(`DA_TIMEOUT must be a number of seconds between 0 and 3600, not "${raw}"`, "unset DA_TIMEOUT or set it to e.g. 30");
  }
  return seconds * 1000;
}

type Query = Record<string, string | number | boolean | undefined>;
export type RequestOptions = {
  body?: unknown;
  query?: Query;
  /** false for requests that must not carry the stored credential (sign-in, version). */
  auth?: boolean;
  timeoutMs?: number;
  /** Replaces the generic hint/message for a status, e.g. 403 on /auth/tokens with a PAT. */
  messages?: Partial<Record<number, string>>;
  /** A non-JSON body (a file upload), sent as it is with this Content-Type. */
  raw?: { body: BodyInit; contentType: string };
  /** Extra request headers (Range, If-Range). */
  headers?: Record<string, string>;
  /**
   * Aborts the request, its body included. With it, `timeoutMs` bounds only the wait for the
   * answer: the caller bounds the body (`da sync` stops a download that stalls, not one that is long).
   */
  signal?: AbortSignal;
  /** The answer's strings as they are (query results, which their printer makes inert for a terminal). */
  exact?: boolean;
};

function reasonOf(error: unknown): string {
  if (error instanceof Error) return (error as Error & { code?: string }).code ?? error.message;
  return String(error);
}

export class Api {
  /** Whether the credential sent was a personal access token (its prefix says so), to name a 401's cause. */
  private sentPat = false;

  constructor(
    readonly server: string,
    readonly credential: Credential | null,
  ) {}

  url(path: string, query?: Query): string {
    const url = new URL(path, `${this.server}/`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.href;
  }

  /** The raw response for any status; throws only when the server cannot be reached. */
  async send(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    if (opts.raw) headers["content-type"] = opts.raw.contentType;
    if (opts.auth !== false && this.credential) {
      const secret = await this.credential.secret();
      this.sentPat = secret.startsWith(PAT_PREFIX);
      headers.authorization = `Bearer ${secret}`;
    }
    const timeoutMs = opts.timeoutMs ?? requestTimeoutMs();
    if (needsFloorCheck(method)) checkVersionFloor(await this.fetchOrThrow("/health", { method: "GET" }, timeoutMs));
    const response = await this.fetchOrThrow(
      path,
      {
        method,
        headers,
        body: opts.raw ? opts.raw.body : opts.body === undefined ? undefined : JSON.stringify(opts.body),
      },
      timeoutMs,
      opts.query,
      opts.signal,
    );
    checkVersionFloor(response);
    noteTokenExpiry(response);
    return response;
  }

  private async fetchOrThrow(path: string, init: RequestInit, timeoutMs: number, query?: Query, signal?: AbortSignal): Promise<Response> {
    const answer = new AbortController();
    const waiting = signal && setTimeout(() => answer.abort(new DOMException("timed out", "TimeoutError")), timeoutMs);
    try {
      return await sys().fetch(this.url(path, query), {
        ...init,
        // "da on <host>" on the person's sessions list, instead of Bun's own User-Agent.
        headers: { "user-agent": daUserAgent(CLI_VERSION, platform(), arch(), hostname()), ...(init.headers as Record<string, string>) },
        redirect: "manual",
        signal: signal ? AbortSignal.any([signal, answer.signal]) : AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw this.unreachable(error, timeoutMs);
    } finally {
      clearTimeout(waiting);
    }
  }

  unreachable(error: unknown, timeoutMs: number): CliError {
    if (error instanceof Error && error.name === "TimeoutError") {
      return new CliError(
        `${this.server} did not answer within ${Math.round((timeoutMs / 1000) * 10) / 10} s`,
        "check that the server is up, then try again (DA_TIMEOUT sets the limit in seconds)",
      );
    }
    const reason = reasonOf(error);
    if (this.server.startsWith("https:") && /EPROTO|SSL|TLS|wrong version/i.test(reason)) {
      return new CliError(
        `${this.server} did not answer TLS (${reason}): it looks like a plain-HTTP port`,
        `if the server has no TLS, use ${this.server.replace(/^https:/, "http:")}`,
      );
    }
    return new CliError(`cannot reach ${this.server} (${reason})`, "check the URL (--server, DA_SERVER, `da login`) and that the server is running");
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    return this.bodyOf<T>(await this.send(method, path, opts), path, opts);
  }

  private async bodyOf<T>(response: Response, path: string, opts: RequestOptions): Promise<T> {
    if (!response.ok) throw await this.failure(response, opts);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    try {
      // Every string a server answers is made inert for the terminal (cli/inert.ts), but data asked
      // for byte for byte (query results): their printer decides.
      return (text ? (opts.exact ? JSON.parse(text) : parseInert(text)) : undefined) as T;
    } catch {
      throw new CliError(`${this.server} answered ${path} with something that is not JSON`, "is --server pointing at an Agnes server?");
    }
  }

  get<T>(path: string, query?: Query, opts: RequestOptions = {}) {
    return this.request<T>("GET", path, { ...opts, query });
  }

  /** One page of a list, and how many rows match in all (the server's X-Total-Count; null if absent). */
  async getPage<T>(path: string, query?: Query): Promise<{ items: T[]; total: number | null }> {
    const response = await this.send("GET", path, { query });
    const items = await this.bodyOf<T[]>(response, path, {});
    const total = Number(response.headers.get("x-total-count") ?? NaN);
    return { items, total: Number.isSafeInteger(total) ? total : null };
  }
  post<T>(path: string, body?: unknown, opts: RequestOptions = {}) {
    return this.request<T>("POST", path, { ...opts, body });
  }
  patch<T>(path: string, body: unknown, opts: RequestOptions = {}) {
    return this.request<T>("PATCH", path, { ...opts, body });
  }
  delete(path: string, opts: RequestOptions = {}) {
    return this.request<void>("DELETE", path, opts);
  }

  async failure(response: Response, opts: RequestOptions): Promise<ServerError> {
    const detail = await detailOf(response);
    const override = opts.messages?.[response.status];
    if (override) return new ServerError(response.status, override);
    if (response.status === 401 && opts.auth !== false) return this.unauthorised();
    if (!isAgnes(response)) {
      return new ServerError(
        response.status,
        `${this.server} is not an Agnes server (it answered ${response.status} without Agnes' headers)`,
        "check the URL (--server, DA_SERVER, `da login`)",
      );
    }
    if (response.status >= 500) {
      return new ServerError(response.status, `the server failed (${response.status}): ${detail}`, "see the server's log");
    }
    return new ServerError(response.status, detail, HINTS[response.status]?.(response));
  }

  unauthorised(): ServerError {
    const credential = this.credential;
    if (!credential) return new ServerError(401, "not signed in", "run `da login` (or set DA_TOKEN)");
    if (credential.source === "stored" && credential.kind === "session" && hasExpired(credential.expires_at)) {
      return new ServerError(401, "Your session expired — run `da login`");
    }
    // The server does not say why (no oracle for token guessers); da knows what it sent.
    const what = this.sentPat || credential.kind === "pat" ? "personal access token" : credential.kind === "session" ? "session" : "token";
    const where = { stored: "stored", env: "DA_TOKEN", flag: "--token" }[credential.source];
    const message =
      what === "session" && credential.source === "stored"
        ? `your session on ${this.server} has ended (signed out, revoked, or the server's signing key changed)`
        : `${this.server} rejected the ${where} ${what}: it is revoked, expired or unknown there`;
    const hint = {
      stored: "run `da login` to sign in again",
      env: "create a new token (`da auth token create`), or unset DA_TOKEN",
      flag: "check the token given with --token, or create a new one",
    }[credential.source];
    return new ServerError(401, message, hint);
  }
}

/** Every answer of an Agnes server carries its CLI version floor; a proxy's or another server's does not. */
function isAgnes(response: Response): boolean {
  return response.headers.has(CLI_MIN_VERSION_HEADER);
}

// A 404's hint names the list where the thing would be (not always the users list).
const LISTS: [RegExp, string][] = [
  [/^\/api\/admin\/backups/, "da admin backup list"],
  [/^\/api\/users/, "da admin list-users"],
  [/^\/api\/invitations/, "da admin users invitations"],
  [/^\/api\/datasets/, "da admin datasets list"],
  [/^\/api\/groups/, "da admin groups list"],
  [/^\/api\/service-accounts/, "da admin service-accounts list"],
  [/^\/auth\/admin\/tokens/, "da admin tokens list"],
  [/^\/auth\/tokens/, "da auth token list"],
];

function notFoundHint(response: Response): string {
  const path = response.url ? new URL(response.url).pathname : "";
  const list = LISTS.find(([pattern]) => pattern.test(path))?.[1];
  return list ? `check the name or id (\`${list}\`)` : "check the name or id";
}

const HINTS: Record<number, (response: Response) => string> = {
  403: () => "your role does not allow this; ask an admin",
  404: notFoundHint,
  409: () => "nothing was changed",
  429: (response) => `wait ${response.headers.get("retry-after") ?? "a few"} s before trying again`,
};

async function detailOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    if (typeof body.detail === "string" && body.detail) return inert(body.detail);
  } catch {
    // not JSON: fall through to the status line
  }
  return inert(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
}

export function hasExpired(expiresAt: string | null, now = Date.now()): boolean {
  return expiresAt !== null && new Date(expiresAt).getTime() <= now;
}
