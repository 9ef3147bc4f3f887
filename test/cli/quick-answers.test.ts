// `da --help` and `da --version` (no server to ask) are answered by cli/main.ts before the command
// table and node:fs load. Their text must stay the dispatcher's, word for word: the help is the
// command table's through its one formatter (baked in at build time), and the offline version is
// `da version`'s. Where a server may be configured, they must still go online.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { groupHelp } from "../../cli/command";
import { ROOT, ROOT_FLAGS } from "../../cli/tree";
import { cleanupSandboxes, daBinary, runDa, sandbox } from "../helpers/cli";

const versionServer = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: (req) => (new URL(req.url).pathname === "/api/version" ? Response.json({ version: "7.7.7", commit: "abcdef1" }) : new Response("{}", { status: 404 })),
});
const serverUrl = `http://127.0.0.1:${versionServer.port}`;

beforeAll(async () => {
  await daBinary();
});
afterAll(async () => {
  cleanupSandboxes();
  await versionServer.stop(true);
});

describe("da --help", () => {
  test("is the command table's help, as the dispatcher prints it, on stdout with exit 0", async () => {
    const box = sandbox();
    // --token before --help is not a quick answer: the dispatcher renders the table itself.
    const dispatched = await runDa(["--token", "x", "--help"], { env: box.env });
    expect(dispatched.stdout).toBe(groupHelp(["da"], ROOT, ROOT_FLAGS));
    for (const flag of ["--help", "-h"]) {
      expect(await runDa([flag], { env: box.env })).toEqual({ code: 0, stdout: dispatched.stdout, stderr: "" });
    }
  });
});

describe("da --version", () => {
  test("with no server is `da version` word for word", async () => {
    const box = sandbox();
    const dispatched = await runDa(["version"], { env: box.env });
    expect(dispatched.code).toBe(0);
    expect(dispatched.stderr).toBe("No server configured; run `da login` to pick one.\n");
    for (const flag of ["--version", "-v"]) expect(await runDa([flag], { env: box.env })).toEqual(dispatched);
  });

  // Each names the config folder in a way a plain "/" join would get wrong, or a folder that
  // holds only the stored sign-in: da must find the server there as every other command does.
  const folders: [string, (home: string) => Record<string, string>, (home: string) => string][] = [
    ["DA_CONFIG_DIR through a missing folder and ..", (home) => ({ DA_CONFIG_DIR: `${home}/missing/../cfg` }), (home) => join(home, "cfg")],
    ["XDG_CONFIG_HOME with a trailing slash", (home) => ({ XDG_CONFIG_HOME: `${home}/xdg/` }), (home) => join(home, "xdg", "da")],
    ["an empty HOME (the current folder)", () => ({ HOME: "" }), (home) => join(home, ".config", "da")],
  ];
  for (const [name, env, folder] of folders) {
    test(`asks the configured server: ${name}`, async () => {
      const box = sandbox();
      mkdirSync(folder(box.home), { recursive: true });
      writeFileSync(join(folder(box.home), "config.yml"), `server: ${serverUrl}\n`);
      const result = await runDa(["--version"], { env: { ...box.env, ...env(box.home) }, cwd: box.home });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`server 7.7.7 (abcdef1) at ${serverUrl}`);
    });
  }

  test("asks the server of the stored sign-in when there is no config.yml", async () => {
    const box = sandbox();
    mkdirSync(box.configDir, { recursive: true });
    const credential = { server: serverUrl, token: "x.y.z", kind: "session", email: "a@example.com", expires_at: null };
    writeFileSync(join(box.configDir, "credentials.json"), JSON.stringify(credential), { mode: 0o600 });
    const result = await runDa(["--version"], { env: { ...box.env, DA_CREDENTIAL_STORE: "file" } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("server 7.7.7 (abcdef1)");
  });
});
