// Credentials in the OS keychain (Bun.secrets → libsecret → a real Secret Service: gnome-keyring on
// a private D-Bus session from dbus-run-session), and the 0600 file with a one-line note where no
// keychain service runs (runDa's environment has no session bus). scripts/bootstrap.sh --test-tools
// installs gnome-keyring and dbus.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunningServer } from "../helpers/server";
import { cleanupSandboxes, daBinary, runDa, sandbox, storedAccount } from "../helpers/cli";
import { ADMIN, daLogin, startAgnes } from "./fixtures";

let server: RunningServer;
beforeAll(async () => {
  [server] = await Promise.all([startAgnes(), daBinary()]);
});
afterAll(async () => {
  cleanupSandboxes();
  await server?.stop();
});

// One session bus, one unlocked keyring, the steps of a person's day; each output lands in a file.
const SCRIPT = `
set -e
printf '%s' keyring-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
printf '%s' "$PW" | "$DA" login --server "$SERVER" --email "$EMAIL" --password-stdin 2> "$OUT/login.err"
cp "$HOME/.config/da/credentials.json" "$OUT/stored.json"
"$DA" auth token > "$OUT/token"
"$DA" auth status > "$OUT/status"
"$DA" logout 2> "$OUT/logout.err"
"$DA" auth token > "$OUT/after-logout" 2>&1 || echo "exit $?" >> "$OUT/after-logout"
`;

describe("the OS keychain", () => {
  test("with a Secret Service the token lives in the keychain, never in the file", async () => {
    const box = sandbox();
    const script = join(box.home, "day.sh");
    writeFileSync(script, SCRIPT);
    const proc = Bun.spawn(["dbus-run-session", "--", "sh", script], {
      cwd: box.home,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        ...box.env,
        DA: await daBinary(),
        SERVER: server.url,
        EMAIL: ADMIN.email,
        PW: ADMIN.password,
        OUT: box.home,
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
    expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
    const read = (name: string) => readFileSync(join(box.home, name), "utf8");
    const token = read("token").trim();
    expect((await fetch(`${server.url}/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401); // logged out since
    expect(token.length).toBeGreaterThan(20);
    expect(read("stored.json")).not.toContain(token);
    expect(JSON.parse(read("stored.json")).servers[server.url].accounts[ADMIN.email]).toMatchObject({ stored_in: "keychain", email: ADMIN.email });
    expect(read("login.err")).not.toContain("note: no OS keychain");
    expect(read("status")).toContain(`✓ Signed in as ${ADMIN.email} (keychain)`);
    expect(read("logout.err")).toContain("Signed out");
    expect(read("after-logout")).toContain("exit 1");
  });

  test("without a keychain service the token goes into the 0600 file, said in one line", async () => {
    const box = sandbox();
    await daLogin(box, server);
    const login = await runDa(["auth", "token"], { env: box.env });
    const stored = storedAccount(box.configDir);
    expect(stored).toMatchObject({ stored_in: "file", token: login.stdout.trim() });
    expect(statSync(join(box.configDir, "credentials.json")).mode & 0o777).toBe(0o600);
    const again = await runDa(["login", "--server", server.url, "--email", ADMIN.email, "--password-stdin"], { env: box.env, stdin: ADMIN.password });
    const notes = again.stderr.split("\n").filter((line) => line.startsWith("note: no OS keychain"));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`it is in ${join(box.configDir, "credentials.json")} (mode 0600)`);
  });
});
