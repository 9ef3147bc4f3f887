// `da login --web` and `da login --device`, the compiled binary against the real server, with the
// browser's part done by fetch (browser-steps.ts): approving, cancelling, timing out, Ctrl-C, a
// port in use, and a server without these routes. Every failure: one line, exit 1, nothing stored.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Session } from "../../src/shared/contract";
import type { RunningServer } from "../helpers/server";
import { cleanupSandboxes, daBinary, hasStackTrace, runDa, sandbox, type Sandbox, storedAccount } from "../helpers/cli";
import { ADMIN, startAgnes } from "./fixtures";
import { answerAuthorize, signInWithForm, urlCatcher, waitForValue, type FetchBrowser } from "./browser-steps";

let server: RunningServer;
let browser: FetchBrowser;
beforeAll(async () => {
  [server] = await Promise.all([startAgnes(), daBinary()]);
  browser = await signInWithForm(server, ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  cleanupSandboxes();
  await server?.stop();
});

/** da running without a terminal, its stderr readable while it runs. */
async function startDa(args: string[], env: Record<string, string>) {
  const proc = Bun.spawn([await daBinary(), ...args], {
    cwd: env.HOME,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    timeout: 60_000,
  });
  let stderr = "";
  const reading = (async () => {
    const decoder = new TextDecoder();
    const reader = proc.stderr.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) stderr += decoder.decode(read.value, { stream: true });
  })();
  const stdout = new Response(proc.stdout).text();
  return {
    proc,
    stderr: () => stderr,
    async done() {
      const code = await proc.exited;
      await reading;
      return { code, stdout: await stdout, stderr };
    },
  };
}

function expectNothingStored(box: Sandbox, result: { code: number; stderr: string }, message: string) {
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(message);
  expect(
    result.stderr
      .trim()
      .split("\n")
      .filter((line) => line.startsWith("error:")).length,
  ).toBe(1);
  expect(hasStackTrace(result.stderr)).toBe(false);
  expect(existsSync(join(box.configDir, "credentials.json"))).toBe(false);
}

describe("da login --web", () => {
  test("approving in the browser stores a CLI session; --json has the same shape as a password login", async () => {
    const box = sandbox();
    const catcher = urlCatcher(box.home);
    const da = await startDa(["login", "--web", "--server", server.url, "--json"], { ...box.env, BROWSER: catcher.browser });
    const url = await waitForValue(catcher.url, "da to open the browser");
    expect(new URL(url).pathname).toBe("/cli/authorize");
    await waitForValue(() => (da.stderr().includes(url) ? true : null), "the URL printed too (for when no browser opens)");
    expect(await answerAuthorize(url, browser, "authorize")).toContain("You can close this tab");
    const result = await da.done();
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(Object.keys(printed).sort()).toEqual(["auth", "email", "expires_at", "role", "server", "user_id"]);
    expect(printed).toMatchObject({ server: server.url, email: ADMIN.email, auth: "session" });
    const whoami = await runDa(["auth", "whoami", "--json"], { env: box.env });
    expect(JSON.parse(whoami.stdout)).toMatchObject({ email: ADMIN.email, auth: "session" });
    const stored = storedAccount(box.configDir);
    const sessions = (await (await fetch(`${server.url}/auth/sessions`, { headers: { authorization: `Bearer ${stored.token}` } })).json()) as Session[];
    expect(sessions.find((s) => s.current)).toMatchObject({ kind: "cli", name: expect.stringMatching(/^da on .+/) });
    expect((await runDa(["logout"], { env: box.env })).code).toBe(0);
    expect((await fetch(`${server.url}/auth/me`, { headers: { authorization: `Bearer ${stored.token}` } })).status).toBe(401);
  });

  test("Cancel in the browser: one line, exit 1, nothing stored", async () => {
    const box = sandbox();
    const catcher = urlCatcher(box.home);
    const da = await startDa(["login", "--web", "--server", server.url], { ...box.env, BROWSER: catcher.browser });
    const page = await answerAuthorize(await waitForValue(catcher.url, "the URL"), browser, "cancel");
    expect(page).toContain("You cancelled");
    expectNothingStored(box, await da.done(), "the sign-in was cancelled in the browser; nothing was stored");
  });

  test("nobody answers (a closed browser): a clear timeout after DA_LOGIN_TIMEOUT", async () => {
    const box = sandbox();
    const result = await runDa(["login", "--web", "--server", server.url], { env: { ...box.env, BROWSER: "true", DA_LOGIN_TIMEOUT: "1" } });
    expectNothingStored(box, result, "timed out after 1 s waiting for the browser; nothing was stored");
  });

  test("Ctrl-C while waiting: one line, exit 1, nothing stored", async () => {
    const box = sandbox();
    const catcher = urlCatcher(box.home);
    const da = await startDa(["login", "--web", "--server", server.url], { ...box.env, BROWSER: catcher.browser });
    await waitForValue(() => (da.stderr().includes("Ctrl-C") ? true : null), "da to wait");
    da.proc.kill("SIGINT");
    expectNothingStored(box, await da.done(), "Cancelled — nothing was stored.");
  });

  test("a port already in use: one line, exit 1", async () => {
    const box = sandbox();
    const taken = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("taken") });
    try {
      const result = await runDa(["login", "--web", "--server", server.url, "--port", String(taken.port)], { env: { ...box.env, BROWSER: "true" } });
      expectNothingStored(box, result, `port ${taken.port} on 127.0.0.1 is already in use`);
    } finally {
      taken.stop(true);
    }
  });

  test("a bad --port is a usage error", async () => {
    const result = await runDa(["login", "--web", "--server", server.url, "--port", "80"], { env: sandbox().env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--port must be a number from 1024 to 65535");
  });
});

describe("da login --device", () => {
  test("shows a code; entering it in a signed-in browser signs da in", async () => {
    const box = sandbox();
    const da = await startDa(["login", "--device", "--server", server.url], box.env);
    const code = await waitForValue(() => /one-time code: ([A-Z]{4}-[A-Z]{4})/.exec(da.stderr())?.[1] ?? null, "the code");
    expect(da.stderr()).toContain(`${server.url}/device`);
    const post = (fields: Record<string, string>) =>
      fetch(`${server.url}/device`, {
        method: "POST",
        headers: { cookie: browser.cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: browser.csrf, ...fields }),
        redirect: "manual",
      });
    expect(await (await post({ user_code: code })).text()).toContain("Sign in <code>da</code> on");
    expect((await post({ user_code: code, decision: "authorize" })).status).toBe(303);
    const result = await da.done();
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Signed in to ${server.url} as ${ADMIN.email}`);
    expect((await runDa(["auth", "whoami"], { env: box.env })).code).toBe(0);
  });

  test("nobody confirms: a clear timeout, nothing stored", async () => {
    const box = sandbox();
    const result = await runDa(["login", "--device", "--server", server.url], { env: { ...box.env, DA_LOGIN_TIMEOUT: "1" } });
    expectNothingStored(box, result, "timed out after 1 s waiting for the code to be confirmed");
  });
});

describe("a server without these routes (older, or not Agnes)", () => {
  test("--web and --device say so in one line and store nothing", async () => {
    const old = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => Response.json({ detail: "Not found" }, { status: 404 }) });
    try {
      const url = `http://127.0.0.1:${old.port}`;
      const box = sandbox();
      const web = await runDa(["login", "--web", "--server", url], { env: { ...box.env, BROWSER: "true" } });
      expectNothingStored(box, web, `${url} does not offer sign-in through the browser`);
      const device = await runDa(["login", "--device", "--server", url], { env: box.env });
      expectNothingStored(box, device, `${url} does not offer sign-in with a code`);
    } finally {
      old.stop(true);
    }
  });
});
