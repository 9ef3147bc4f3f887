// `da login --web`: the browser flow (RFC 8252 loopback redirect + PKCE S256, as `gh` and the
// cloud CLIs do it). da listens on 127.0.0.1 (a random free port unless --port), opens
// /cli/authorize, and waits for the browser to come back to /callback with a code and our state.
// The browser is answered only after the code was exchanged, so its tab shows the real outcome.
import { createHash, randomBytes } from "node:crypto";
import { sameSecret } from "../../src/shared/signing";
import { hostname } from "node:os";
import type { LoginResponse } from "../../src/shared/contract";
import { Api } from "../api";
import { CliError } from "../errors";
import { openBrowser } from "../open-browser";
import { info } from "../output";
import { olderServer, waitForPerson } from "./login-wait";

type Answer = { code: string } | { error: string };
type Outcome = { ok: boolean; message: string };

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
  // The browser keeps connections open; closing this one lets da's listener stop at once.
  connection: "close",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(status: number, title: string, message: string): Response {
  const body = `<!doctype html><html lang="en"><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;line-height:1.5">
<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
  return new Response(body, { status, headers: PAGE_HEADERS });
}

/** The one-request server the browser comes back to. */
function listenForCallback(port: number, state: string) {
  let answered!: (answer: Answer) => void;
  let finished!: (outcome: Outcome) => void;
  const answer = new Promise<Answer>((resolve) => (answered = resolve));
  const outcome = new Promise<Outcome>((resolve) => (finished = resolve));
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname !== "/callback" || request.method !== "GET") return page(404, "Not found", "Nothing here.");
    // A callback without our state was not started by this da (or is a forgery): refuse it, keep waiting.
    if (!sameSecret(url.searchParams.get("state") ?? "", state))
      return page(400, "Not this sign-in", "This link does not belong to the da waiting on this computer.");
    const code = url.searchParams.get("code");
    answered(code ? { code } : { error: url.searchParams.get("error") ?? "access_denied" });
    const result = await outcome;
    return page(result.ok ? 200 : 400, result.ok ? "da is signed in" : "da is not signed in", result.message);
  };
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({ hostname: "127.0.0.1", port, fetch });
  } catch (error) {
    const inUse = (error as { code?: string }).code === "EADDRINUSE" || /in use/i.test(String(error));
    throw inUse
      ? new CliError(`port ${port} on 127.0.0.1 is already in use; nothing was stored`, "pass another --port, or leave --port out to use a free one")
      : new CliError(`cannot listen on 127.0.0.1 for the browser's answer (${(error as Error).message})`, "use da login --device instead");
  }
  return {
    port: server.port!,
    answer,
    finish: (result: Outcome) => finished(result),
    /**
     * Lets the answer page go out, then closes the listener and any idle connection the browser
     * keeps open (a graceful stop would wait for those). Bounded: at most a second.
     */
    async stop() {
      finished({ ok: false, message: "da stopped waiting. Run da login again." });
      for (let waited = 0; server.pendingRequests > 0 && waited < 1000; waited += 10) await Bun.sleep(10);
      server.stop(true);
    },
  };
}

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** A server without POST /auth/cli/token answers 404; ours refuses the empty body instead. */
async function assertBrowserSignIn(api: Api): Promise<void> {
  const probe = await api.send("POST", "/auth/cli/token", { body: {}, auth: false });
  await probe.body?.cancel();
  if (probe.status === 404) throw olderServer(api.server, "sign-in through the browser");
}

export async function browserLogin(server: string, port: number): Promise<LoginResponse> {
  const api = new Api(server, null);
  await assertBrowserSignIn(api);
  const { verifier, challenge } = pkce();
  const state = randomBytes(24).toString("base64url");
  const callback = listenForCallback(port, state);
  try {
    const query = { port: callback.port, state, code_challenge: challenge, code_challenge_method: "S256", client: hostname() };
    const url = api.url("/cli/authorize", query);
    info(openBrowser(url) ? `Opening ${server} in your browser…` : "Could not open a browser here.");
    info(`If it does not open, visit this URL on this computer:\n  ${url}`);
    info("Waiting for you to approve da in the browser (Ctrl-C to cancel)…");
    const answer = await waitForPerson("the browser", "run da login again, or da login --device to use another device", () => callback.answer);
    if ("error" in answer) {
      callback.finish({ ok: false, message: "You cancelled. Nothing was stored; you can close this tab." });
      throw new CliError("the sign-in was cancelled in the browser; nothing was stored");
    }
    try {
      const session = await api.post<LoginResponse>("/auth/cli/token", { code: answer.code, code_verifier: verifier }, { auth: false });
      callback.finish({ ok: true, message: `Signed in as ${session.email}. You can close this tab and go back to your terminal.` });
      return session;
    } catch (error) {
      callback.finish({ ok: false, message: `${(error as Error).message}. Nothing was stored.` });
      throw error;
    }
  } finally {
    await callback.stop();
  }
}
