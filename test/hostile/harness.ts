// One real server process for a hostile test file (or the fuzz bench), with the accounts the
// generators need: an admin (bearer session token) and a "victim" analyst with a PAT. When a
// request kills the process, `revive()` starts it again on the same DATA_DIR (same JWT secret,
// same users and sessions), so a property can go on and fast-check can shrink the input.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "../helpers/server";
import { rawHealth } from "./raw-http";

export const ADMIN_EMAIL = "hostile-admin@example.com";
export const ADMIN_PASSWORD = "hostile-admin-password-1";
export const VICTIM_EMAIL = "victim@example.com";
export const VICTIM_PASSWORD = "victim-password-1";

export type Accounts = {
  adminToken: string;
  adminId: string;
  victimId: string;
  victimPat: string;
  victimPatId: string;
};

export class Harness {
  server!: RunningServer;
  port = 0;
  accounts!: Accounts;
  /** How many times the process had to be started again after a request killed it. */
  restarts = 0;
  private readonly dataDir = mkdtempSync(join(tmpdir(), "agnes-hostile-"));
  private lastLogs = "";

  static async start(env: Record<string, string> = {}): Promise<Harness> {
    const h = new Harness(env);
    await h.boot();
    h.accounts = await h.makeAccounts();
    return h;
  }

  private constructor(private readonly env: Record<string, string>) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async boot(): Promise<void> {
    this.server = await startServer({
      dataDir: this.dataDir,
      env: { AGNES_ADMIN_EMAIL: ADMIN_EMAIL, AGNES_ADMIN_PASSWORD: ADMIN_PASSWORD, ...this.env },
    });
    this.port = Number(new URL(this.server.url).port);
  }

  /** True when the process still answers /health on a fresh connection. */
  async alive(): Promise<boolean> {
    return (await this.health()) === "ok";
  }

  /** "ok"; "exited" when the process has ended; "silent" when it runs but /health got no answer in time. */
  async health(): Promise<"ok" | "exited" | "silent"> {
    const status = await rawHealth(this.port, 15_000);
    if (status === 200) return "ok";
    // Give a dying process a moment to be reaped before telling "exited" from "silent".
    for (let i = 0; i < 20 && this.server.exitCode() === null; i++) await Bun.sleep(25);
    return this.server.exitCode() !== null ? "exited" : "silent";
  }

  /** The last uncaught error the process printed (what killed it) and its top frame, if any. */
  crashReason(): string {
    const logs = this.server.logs();
    const errors = [...logs.matchAll(/^(\w*Error: [^\n]*|error: [^\n]*)$/gm)];
    const last = errors.at(-1);
    if (!last) return "no error in the log";
    const frame = /^\s+at (\S+) \(([^)]*)\)$/m.exec(logs.slice(last.index!));
    return frame ? `${last[1]} at ${frame[1]} (${frame[2]!.replace(/^.*\/(src|node_modules)\//, "$1/")})` : last[1]!;
  }

  /** Starts the server again after it died or hung; returns the old process's log tail. */
  async revive(): Promise<string> {
    const tail = this.server.logs().slice(-4000);
    this.lastLogs += tail;
    await this.server.stop().catch(() => undefined);
    this.restarts++;
    await this.boot();
    return tail;
  }

  logs(): string {
    return this.lastLogs + this.server.logs();
  }

  async api(method: string, path: string, body?: unknown, token = this.accounts?.adminToken): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    return fetch(this.origin + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: "manual" });
  }

  private async makeAccounts(): Promise<Accounts> {
    const login = await this.api("POST", "/auth/token", { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, "");
    if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${await login.text()}`);
    const { access_token: adminToken, user_id: adminId } = (await login.json()) as { access_token: string; user_id: string };
    const created = await this.api(
      "POST",
      "/api/users",
      { email: VICTIM_EMAIL, password: VICTIM_PASSWORD, role: "analyst", name: "Victim", must_change_password: false },
      adminToken,
    );
    if (created.status !== 201) throw new Error(`victim create failed: ${created.status}`);
    const victimId = ((await created.json()) as { id: string }).id;
    const victimLogin = await this.api("POST", "/auth/token", { email: VICTIM_EMAIL, password: VICTIM_PASSWORD }, "");
    const victimSession = ((await victimLogin.json()) as { access_token: string }).access_token;
    const pat = await this.api("POST", "/auth/tokens", { name: "victim-pat", expires_in_days: 30 }, victimSession);
    if (pat.status !== 201) throw new Error(`victim PAT failed: ${pat.status}`);
    const { token: victimPat, id: victimPatId } = (await pat.json()) as { token: string; id: string };
    return { adminToken, adminId, victimId, victimPat, victimPatId };
  }

  async stop(): Promise<void> {
    await this.server.stop().catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
