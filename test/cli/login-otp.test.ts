// `da login` (password) for an account with an authenticator app, with the compiled da against a
// real server: --otp for scripts, the code asked for on a terminal (tmux), and a clear refusal
// without it when there is no terminal to ask on.
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import type { RunningServer } from "../helpers/server";
import { cleanupSandboxes, daBinary, hasStackTrace, runDa, sandbox } from "../helpers/cli";
import { totpCode, secretOf } from "../helpers/totp";
import { createUser, sessionToken, startAgnes } from "./fixtures";
import { Terminal } from "./tmux";

let server: RunningServer;
beforeAll(async () => {
  [server] = await Promise.all([startAgnes(), daBinary()]);
});
afterEach(() => Terminal.closeAll());
afterAll(async () => {
  cleanupSandboxes();
  await server?.stop();
});

/** Enrols an authenticator app through the pages, with a session bearer (no cookie, so no CSRF field). */
async function enrol(email: string, password: string): Promise<string> {
  const token = await sessionToken(server, email, password);
  const send = (path: string, fields?: Record<string, string>) =>
    fetch(`${server.url}${path}`, {
      method: fields ? "POST" : "GET",
      redirect: "manual",
      headers: { authorization: `Bearer ${token}`, accept: "text/html", ...(fields ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body: fields ? new URLSearchParams(fields) : undefined,
    });
  expect((await send("/profile/two-factor/totp", { _csrf: "" })).status).toBe(303);
  const secret = secretOf(await (await send("/profile/two-factor/totp")).text());
  expect((await send("/profile/two-factor/totp/confirm", { code: totpCode(secret, new Date()) })).status).toBe(303);
  return secret;
}

/** A code of the next 30-second step: the one used to enrol is spent. */
const nextCode = (secret: string) => totpCode(secret, new Date(Date.now() + 30_000));

test("da login --password-stdin --otp signs in; without --otp and no terminal it says what to pass", async () => {
  const user = await createUser(server, "analyst", "otp");
  const secret = await enrol(user.email, user.password);
  const box = sandbox();
  const base = ["login", "--server", server.url, "--email", user.email, "--password-stdin"];
  const missing = await runDa(base, { env: box.env, stdin: user.password });
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("this account has a second factor");
  expect(missing.stderr).toContain("--otp");
  expect(hasStackTrace(missing.stderr)).toBe(false);
  const wrong = await runDa([...base, "--otp", "000000" === nextCode(secret) ? "111111" : "000000"], { env: box.env, stdin: user.password });
  expect(wrong.code).not.toBe(0);
  expect(`${wrong.code} ${wrong.stderr}`).toContain("Incorrect or already used code");
  const ok = await runDa([...base, "--otp", nextCode(secret)], { env: box.env, stdin: user.password });
  expect(ok.stderr + ok.stdout).toContain(`as ${user.email}`);
  expect(ok.code).toBe(0);
  expect((await runDa(["auth", "status"], { env: box.env })).code).toBe(0);
});

test("on a terminal, da login asks for the code after the password", async () => {
  const user = await createUser(server, "analyst", "otp-tty");
  const secret = await enrol(user.email, user.password);
  const box = sandbox();
  const terminal = await Terminal.start(["login", "--server", server.url, "--email", user.email], box.env);
  await terminal.waitFor(/◆\s+Password/);
  terminal.type(user.password);
  terminal.press("Enter");
  await terminal.waitFor(/◆\s+Code from your authenticator app/);
  terminal.type(nextCode(secret));
  terminal.press("Enter");
  expect(await terminal.exitCode()).toBe(0);
  expect(terminal.screen()).toContain(`Signed in to ${server.url} as ${user.email}`);
});
