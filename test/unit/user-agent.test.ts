// Sessions in words (issue 27): a User-Agent read as "Chrome on Linux" or "da on <host>", the
// User-Agent `da` sends for it, and relative times ("3 days ago") for the tables that show them.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { daUserAgent, describeClient } from "../../src/shared/user-agent";
import { relativeTime } from "../../views/ui/time";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, type TestApp } from "../helpers/app";
import { runInProcess } from "../helpers/da-in-process";

const CASES: [string | null, string][] = [
  ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Linux"],
  ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86", "Edge on Windows"],
  ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari on macOS"],
  ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iOS"],
  ["Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux"],
  ["Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android"],
  ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36", "Chrome on Linux"],
  ["da/0.4.1 (linux; x64; build-box-07)", "da on build-box-07"],
  ["curl/8.5.0", "curl"],
  ["Bun/1.4.4", "a Bun script"],
  ["something else entirely", "Unknown client"],
  [null, "Unknown client"],
];

test.each(CASES)("%p reads as %p", (ua, words) => {
  expect(describeClient(ua)).toBe(words);
});

test("what da sends reads back as da on its host, whatever the host name holds", () => {
  expect(describeClient(daUserAgent("1.2.3", "darwin", "arm64", "Ana's MacBook Pro"))).toBe("da on Ana-s-MacBook-Pro");
  expect(daUserAgent("1.2.3", "linux", "x64", "box\r\nX-Evil: 1")).toBe("da/1.2.3 (linux; x64; box-X-Evil-1)");
});

test("relative times: the largest whole unit, past and future", () => {
  const now = new Date("2026-12-07T12:00:00Z");
  const at = (ms: number) => relativeTime(new Date(now.getTime() + ms), now);
  expect(at(-3 * 86_400_000 - 5_000)).toBe("3 days ago");
  expect(at(-86_400_000)).toBe("yesterday");
  expect(at(5 * 86_400_000)).toBe("in 5 days");
  expect(at(-2 * 3_600_000)).toBe("2 hours ago");
  expect(at(-20_000)).toBe("just now");
});

let t: TestApp;
let configDir: string;
beforeAll(async () => {
  t = await createTestApp({ env: { CLI_MIN_VERSION: "0.0.0-dev" } });
  configDir = mkdtempSync(join(tmpdir(), "da-ua-"));
});
afterAll(async () => {
  await t.close();
  rmSync(configDir, { recursive: true, force: true });
});

test("a session da opens with a password is listed as da on this host, not as Bun", async () => {
  const res = await runInProcess(t, configDir, ["login", "--email", ADMIN_EMAIL, "--password-stdin"], { stdin: ADMIN_PASSWORD });
  expect(res.code).toBe(0);
  const sessions = (await (await t.api("GET", "/auth/sessions", { token: await t.login() })).json()) as { user_agent: string | null }[];
  const agents = sessions.map((s) => describeClient(s.user_agent));
  expect(agents).toContain(describeClient(daUserAgent("0.0.0-dev", "linux", "x64", hostname())));
});
