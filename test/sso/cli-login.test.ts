// `da login` against a server with PASSWORD_LOGIN=off: no password is asked for or sent; the user is
// told how to get in (a token made in the browser, then `da login --with-token`).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cleanupSandboxes, daBinary, hasStackTrace, runDa, sandbox } from "../helpers/cli";
import { startServer, type RunningServer } from "../helpers/server";

let server: RunningServer;
beforeAll(async () => {
  const env = {
    PUBLIC_URL: "https://agnes.example.com",
    PASSWORD_LOGIN: "off",
    OIDC_PROVIDERS: "google",
    OIDC_GOOGLE_ISSUER: "https://accounts.google.com",
    OIDC_GOOGLE_CLIENT_ID: "id",
    OIDC_GOOGLE_CLIENT_SECRET: "secret",
    AGNES_ADMIN_EMAIL: "admin@example.com",
    AGNES_ADMIN_PASSWORD: "admin-password-1",
  };
  [server] = await Promise.all([startServer({ env }), daBinary()]);
});
afterAll(async () => {
  cleanupSandboxes();
  await server?.stop();
});

test("da login with a password is refused before any password is read, with the way in", async () => {
  const box = sandbox();
  const result = await runDa(["login", "--server", server.url, "--email", "admin@example.com", "--password-stdin"], {
    env: box.env,
    stdin: "admin-password-1",
  });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("does not accept passwords");
  expect(result.stderr).toContain("da login --web");
  expect(hasStackTrace(result.stderr)).toBe(false);
  expect(server.logs()).not.toContain('"path":"/auth/token"');
});
