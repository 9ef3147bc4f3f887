// The clack prompts, driven in a real terminal (tmux): sign-in, picking a token lifetime,
// and confirmations answered "no" that must change nothing.
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Token, User } from "../../src/shared/contract";
import type { RunningServer } from "../helpers/server";
import { cleanupSandboxes, daBinary, runDa, sandbox, type Sandbox, storedAccount } from "../helpers/cli";
import { ADMIN, createUser, daLogin, startAgnes } from "./fixtures";
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

async function tokens(box: Sandbox): Promise<Token[]> {
  return JSON.parse((await runDa(["auth", "token", "list", "--json"], { env: box.env })).stdout);
}

test("da login asks for the server (prefilled from config), how to sign in (browser first), email and a hidden password", async () => {
  const box = sandbox();
  mkdirSync(box.configDir, { recursive: true });
  writeFileSync(join(box.configDir, "config.yml"), `server: ${server.url}\n`);
  const terminal = await Terminal.start(["login"], box.env);
  expect(await terminal.waitFor("Agnes server URL")).toContain(server.url);
  terminal.press("Enter");
  const choices = await terminal.waitFor("How would you like to sign in?");
  expect(choices).toMatch(/●\s*Browser/);
  const order = ["Browser", "Code on another device", "Password", "Paste a token"].map((label) => choices.indexOf(label));
  expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
  terminal.press("Down", "Down");
  await terminal.waitFor(/●\s*Password/);
  terminal.press("Enter");
  // The active prompt's marker: "Password" is already on screen as the chosen sign-in method, and
  // typing before the prompt takes the terminal would echo the password.
  await terminal.waitFor(/◆\s+Email/);
  terminal.type(ADMIN.email);
  terminal.press("Enter");
  await terminal.waitFor(/◆\s+Password/);
  terminal.type(ADMIN.password);
  await terminal.waitFor("▪".repeat(4));
  terminal.press("Enter");
  expect(await terminal.exitCode()).toBe(0);
  const screen = terminal.screen();
  expect(screen).toContain(`Signed in to ${server.url} as ${ADMIN.email}`);
  expect(screen).not.toContain(ADMIN.password);
  const stored = storedAccount(box.configDir);
  expect(stored).toMatchObject({ server: server.url, email: ADMIN.email, kind: "session" });
});

test("da auth token create asks for a name and lets you pick the lifetime from a list", async () => {
  const box = sandbox();
  await daLogin(box, server);
  const terminal = await Terminal.start(["auth", "token", "create"], box.env);
  await terminal.waitFor("Token name");
  terminal.type("picked-from-list");
  terminal.press("Enter");
  await terminal.waitFor("Expires after");
  terminal.press("Down", "Down"); // 90 days (the default) → 365 days → never
  await terminal.waitFor(/●\s*never/);
  terminal.press("Enter");
  await terminal.waitFor("What may the token do?"); // query, sync and profile:read come ticked
  terminal.press("Enter");
  expect(await terminal.exitCode()).toBe(0);
  expect(terminal.screen()).toContain("shown only once");
  const created = (await tokens(box)).find((t) => t.name === "picked-from-list");
  expect(created).toMatchObject({ expires_at: null, revoked_at: null });
  expect([...(created as { scopes: string[] }).scopes].sort()).toEqual(["profile:read", "query", "sync"]);
});

test("answering no to da auth token revoke changes nothing", async () => {
  const box = sandbox();
  await daLogin(box, server);
  expect((await runDa(["auth", "token", "create", "--name", "keep", "--ttl", "7d"], { env: box.env })).code).toBe(0);
  const terminal = await Terminal.start(["auth", "token", "revoke", "keep"], box.env);
  await terminal.waitFor('Revoke token "keep"');
  terminal.type("n");
  expect(await terminal.exitCode()).toBe(0);
  expect(terminal.screen()).toContain("Nothing was changed");
  expect((await tokens(box)).find((t) => t.name === "keep")).toMatchObject({ revoked_at: null });
});

test("answering no to da admin delete-user keeps the user", async () => {
  const box = sandbox();
  await daLogin(box, server);
  const user = await createUser(server, "viewer", "keepme");
  const terminal = await Terminal.start(["admin", "delete-user", user.email], box.env);
  await terminal.waitFor(`Delete ${user.email}`);
  terminal.type("n");
  expect(await terminal.exitCode()).toBe(0);
  const users: User[] = JSON.parse((await runDa(["admin", "list-users", "--search", user.email, "--json"], { env: box.env })).stdout);
  expect(users.map((u) => u.email)).toEqual([user.email]);
});

test("da admin set-password asks twice, hidden, and refuses a mismatch", async () => {
  const box = sandbox();
  await daLogin(box, server);
  const user = await createUser(server, "viewer", "pwprompt");
  const terminal = await Terminal.start(["admin", "set-password", user.email], box.env);
  await terminal.waitFor("New password");
  terminal.type("first-password-1");
  terminal.press("Enter");
  await terminal.waitFor("Repeat it");
  terminal.type("other-password-2");
  terminal.press("Enter");
  expect(await terminal.exitCode()).toBe(1);
  const screen = terminal.screen();
  expect(screen).toContain("do not match");
  expect(screen).not.toContain("first-password-1");
});

test("colour on a terminal, none with NO_COLOR", async () => {
  const box = sandbox();
  await daLogin(box, server);
  const { NO_COLOR: _, ...colourEnv } = box.env;
  const coloured = await Terminal.start(["admin", "list-users"], colourEnv);
  expect(await coloured.exitCode()).toBe(0);
  expect(coloured.screen(true)).toContain("\x1b[1m");
  const plain = await Terminal.start(["admin", "list-users"], { ...colourEnv, NO_COLOR: "1" });
  expect(await plain.exitCode()).toBe(0);
  expect(plain.screen(true)).not.toContain("\x1b[1m");
});

test("a second da login on a terminal asks before replacing the active account; no changes nothing", async () => {
  const box = sandbox();
  await daLogin(box, server);
  const before = storedAccount(box.configDir);
  const terminal = await Terminal.start(["login", "--server", server.url, "--web"], box.env);
  await terminal.waitFor(`You are signed in to ${server.url} as ${ADMIN.email}`);
  terminal.type("n");
  expect(await terminal.exitCode()).toBe(0);
  expect(terminal.screen()).toContain("Nothing was changed");
  expect(storedAccount(box.configDir)).toEqual(before);
});
