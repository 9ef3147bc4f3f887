import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config";

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "agnes-config-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test("defaults", () => {
  const dir = dataDir();
  const config = loadConfig({ DATA_DIR: dir });
  expect(config).toMatchObject({ port: 8000, host: "0.0.0.0", sessionTtlHours: 24, patMaxDays: null, trustProxy: false, publicUrl: null });
});

test("an unset JWT_SECRET_KEY is generated once and kept with mode 0600", () => {
  const dir = dataDir();
  const first = loadConfig({ DATA_DIR: dir }).jwtSecret;
  expect(first.length).toBeGreaterThanOrEqual(32);
  expect(loadConfig({ DATA_DIR: dir }).jwtSecret).toBe(first);
  const file = join(dir, "state", "jwt-secret");
  expect(readFileSync(file, "utf8").trim()).toBe(first);
  expect(statSync(file).mode & 0o777).toBe(0o600);
});

test.each([
  ["JWT_SECRET_KEY", "too-short"],
  ["PORT", "eighty"],
  ["PORT", "70000"],
  ["SESSION_TTL_HOURS", "0"],
  ["PAT_MAX_DAYS", "1.5"],
  ["TRUST_PROXY", "maybe"],
  ["PUBLIC_URL", "https://x.example/$(id)"],
  ["PUBLIC_URL", "ftp://x.example"],
  ["AGNES_ADMIN_EMAIL", "not-an-email"],
  ["SMTP_URL", "mail.example.com:25"],
  ["SMTP_URL", "smtp://:25"],
  ["SMTP_FROM", "not an address"],
  ["SMTP_FROM", "a@example.com,b@example.com"],
  ["SMTP_FROM", "Agnes <a@example.com>\r\nBcc: b@example.com"],
])("%s=%p stops start-up with a message naming the variable", (name, value) => {
  const env: Record<string, string> = { DATA_DIR: dataDir(), [name]: value };
  if (name === "AGNES_ADMIN_EMAIL") env.AGNES_ADMIN_PASSWORD = "long-enough-password";
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(new RegExp(`^${name}`));
});

test("SMTP_FROM is parsed into a name and an address; without it the sender comes from PUBLIC_URL", () => {
  const from = (env: Record<string, string>) => loadConfig({ DATA_DIR: dataDir(), ...env }).smtpFrom;
  expect(from({ SMTP_FROM: "ops@example.com" })).toEqual({ name: "", address: "ops@example.com" });
  expect(from({ SMTP_FROM: '"Agnes, Data Team" <agnes@example.com>' })).toEqual({ name: "Agnes, Data Team", address: "agnes@example.com" });
  expect(from({ PUBLIC_URL: "https://agnes.example.com/base" })).toEqual({ name: "Agnes", address: "no-reply@agnes.example.com" });
  expect(from({ PUBLIC_URL: "http://10.0.0.5:8000" })).toEqual({ name: "Agnes", address: "agnes@localhost" });
  expect(from({})).toEqual({ name: "Agnes", address: "agnes@localhost" });
});

test("SMTP_URL is kept as given; a bad one is refused without echoing its password", () => {
  const url = "smtps://mailer:p%40ss@smtp.example.com:465";
  expect(loadConfig({ DATA_DIR: dataDir(), SMTP_URL: url, PUBLIC_URL: "https://agnes.example.com" }).smtpUrl).toBe(url);
  expect(loadConfig({ DATA_DIR: dataDir() }).smtpUrl).toBeNull();
  expect(() => loadConfig({ DATA_DIR: dataDir(), SMTP_URL: "smtp://mailer:hunter22@" })).toThrow(/^SMTP_URL: (?!.*hunter22)/);
});

test("SMTP_URL without PUBLIC_URL is refused: emailed links must not follow a client's Host header", () => {
  expect(() => loadConfig({ DATA_DIR: dataDir(), SMTP_URL: "smtp://mail.example.com:25" })).toThrow(/^SMTP_URL: set PUBLIC_URL too/);
});

test("AGNES_ADMIN_EMAIL without a password is refused", () => {
  expect(() => loadConfig({ DATA_DIR: dataDir(), AGNES_ADMIN_EMAIL: "a@b.co" })).toThrow(/AGNES_ADMIN_EMAIL and AGNES_ADMIN_PASSWORD/);
});

test("the server refuses to start on a bad value and names it", async () => {
  const proc = Bun.spawn(["bun", "src/server.ts"], {
    cwd: join(import.meta.dir, "../.."),
    env: { PATH: process.env.PATH!, DATA_DIR: dataDir(), JWT_SECRET_KEY: "short" },
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(await proc.exited).toBe(2);
  expect(await new Response(proc.stderr).text()).toContain("JWT_SECRET_KEY: must be at least 32 characters");
});
