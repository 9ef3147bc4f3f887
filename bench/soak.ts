// Soak: mixed load on one real server process for a bounded time, to see that nothing fails and
// nothing grows. `bun run bench:soak [seconds=300]` (or SOAK_SECONDS). Loopback only, 24 workers:
//   1 signs in and out (password, JSON and form, three accounts; argon2id, so paced and a small share),
//  12 read with personal access tokens (GET /auth/me, GET /api/users),
//   4 write as an admin (create, patch, delete a user; create and revoke a token),
//   6 render pages with a session cookie (/dashboard, /admin/users, /admin/tokens, /admin/audit, /profile),
//   1 sends a few bad requests (404, 401), paced,
// and one backup (POST /api/admin/backups) half-way. Every 2 s the server's RSS and open descriptors
// are read from /proc. Exit code 1 on any 5xx, transport error or unexpected status.
import { statSync } from "node:fs";
import { join } from "node:path";
import { startServer, type RunningServer } from "../test/helpers/server";
import { cookieFrom } from "../test/helpers/cookies";
import { printProcess, printRequests, Recorder, sampleProcess, signed, type Kind, type Sample } from "./soak-report";

const SECONDS = Number(process.argv[2] ?? process.env.SOAK_SECONDS ?? 300);
if (!Number.isFinite(SECONDS) || SECONDS < 10) throw new Error("soak: seconds must be a number ≥ 10");
const WARM_UP = 0.2; // of the run: samples after this are "after warm-up"
const SAMPLE_EVERY_MS = 2_000;
const SIGN_IN_PAUSE_MS = 250;
const BAD_REQUEST_PAUSE_MS = 200;
const ADMIN = { email: "soak-admin@example.com", password: "soak-admin-password" };
const PASSWORD = "soak-user-password";
const ACCOUNTS = (["analyst", "viewer", "km_admin"] as const).map((role) => ({ email: `soak-${role}@example.com`, role }));

type Body = { json?: unknown; form?: Record<string, string> };
type Auth = { bearer?: string; cookie?: string };
type Answer = { status: number; text: string; res: Response | null; ms: number };

let base = "";
const rec = new Recorder();
let stopAt = Number.POSITIVE_INFINITY;
const running = () => performance.now() < stopAt;

async function send(method: string, path: string, auth: Auth = {}, body: Body = {}): Promise<Answer> {
  const headers: Record<string, string> = {
    accept: body.form || path.startsWith("/admin") || path === "/dashboard" || path === "/profile" ? "text/html" : "application/json",
  };
  if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  if (auth.cookie) headers.cookie = `access_token=${auth.cookie}`;
  let payload: string | undefined;
  if (body.json !== undefined) (headers["content-type"] = "application/json"), (payload = JSON.stringify(body.json));
  if (body.form) (headers["content-type"] = "application/x-www-form-urlencoded"), (payload = new URLSearchParams(body.form).toString());
  const started = performance.now();
  try {
    const res = await fetch(base + path, { method, headers, body: payload, redirect: "manual" });
    const text = await res.text();
    return { status: res.status, text, res, ms: performance.now() - started };
  } catch {
    return { status: 0, text: "", res: null, ms: performance.now() - started };
  }
}

/** A measured request of the load: counted under `kind`, `expect` is the status it should get. */
async function timed(kind: Kind, expect: number, method: string, path: string, auth?: Auth, body?: Body): Promise<Answer> {
  const answer = await send(method, path, auth, body);
  rec.record(kind, `${method} ${path.replace(/[0-9a-f-]{36}/g, ":id")}`, answer.status, answer.ms, answer.status === expect);
  return answer;
}

/** A set-up request: not measured, and it must work. */
async function must(expect: number, method: string, path: string, auth?: Auth, body?: Body): Promise<Answer> {
  const answer = await send(method, path, auth, body);
  if (answer.status !== expect) throw new Error(`set-up ${method} ${path}: ${answer.status} ${answer.text.slice(0, 200)}`);
  return answer;
}

const field = (answer: Answer, name: string) => (JSON.parse(answer.text) as Record<string, string>)[name]!;
const signIn = async (email: string, password: string) => field(await must(200, "POST", "/auth/token", {}, { json: { email, password } }), "access_token");
const formSession = async (email: string, password: string) =>
  cookieFrom((await must(303, "POST", "/login", {}, { form: { email, password } })).res!, "access_token")!;

/** The admin's session and PAT, a PAT for each other account, and browser sessions for the pages. */
async function prepare() {
  const adminSession = await signIn(ADMIN.email, ADMIN.password);
  const adminPat = field(await must(201, "POST", "/auth/tokens", { bearer: adminSession }, { json: { name: "soak" } }), "token");
  const pats = [adminPat];
  for (const account of ACCOUNTS) {
    await must(
      201,
      "POST",
      "/api/users",
      { bearer: adminPat },
      { json: { email: account.email, role: account.role, password: PASSWORD, must_change_password: false } },
    );
    const session = await signIn(account.email, PASSWORD);
    pats.push(field(await must(201, "POST", "/auth/tokens", { bearer: session }, { json: { name: "soak" } }), "token"));
    await must(303, "POST", "/logout", { bearer: session });
  }
  const cookies = { admin: await formSession(ADMIN.email, ADMIN.password), analyst: await formSession(ACCOUNTS[0]!.email, PASSWORD) };
  return { adminSession, adminPat, pats, cookies };
}
type Credentials = Awaited<ReturnType<typeof prepare>>;

async function signInWorker(): Promise<void> {
  for (let i = 0; running(); i++) {
    const { email } = ACCOUNTS[i % ACCOUNTS.length]!;
    // Every other one through the form, as a browser signs in; both end with signing out by bearer.
    const session =
      i % 2 === 0
        ? await timed("sign-in", 200, "POST", "/auth/token", {}, { json: { email, password: PASSWORD } }).then((a) =>
            a.status === 200 ? field(a, "access_token") : null,
          )
        : await timed("sign-in", 303, "POST", "/login", {}, { form: { email, password: PASSWORD } }).then((a) =>
            a.res ? cookieFrom(a.res, "access_token") : null,
          );
    if (session) await timed("sign-out", 303, "POST", "/logout", { bearer: session });
    await Bun.sleep(SIGN_IN_PAUSE_MS);
  }
}

async function patReader(c: Credentials, worker: number): Promise<void> {
  for (let i = worker; running(); i++) {
    const pat = c.pats[i % c.pats.length]!;
    await timed("pat read", 200, "GET", "/auth/me", { bearer: pat });
    if (pat === c.adminPat) await timed("pat read", 200, "GET", i % 4 === 0 ? "/api/users?q=soak" : "/api/users?limit=20", { bearer: pat });
  }
}

async function adminWriter(c: Credentials, worker: number): Promise<void> {
  const pat = { bearer: c.adminPat };
  for (let i = 0; running(); i++) {
    const created = await timed("admin write", 201, "POST", "/api/users", pat, {
      json: { email: `soak-w${worker}-${i}@example.com`, name: `Soak ${i}`, role: "viewer" },
    });
    if (created.status !== 201) continue;
    const id = field(created, "id");
    await timed("admin write", 200, "PATCH", `/api/users/${id}`, pat, { json: { name: `Soak ${i} renamed`, role: "analyst" } });
    // Tokens are created with the admin's session (PAT creation is session-only) and revoked right away:
    // at most one per writer is alive, far below the 100-active-tokens limit.
    const token = await timed(
      "admin write",
      201,
      "POST",
      "/auth/tokens",
      { bearer: c.adminSession },
      { json: { name: `soak ${worker}-${i}`, expires_in_days: 1 } },
    );
    if (token.status === 201) await timed("admin write", 204, "DELETE", `/auth/tokens/${field(token, "id")}`, { bearer: c.adminSession });
    await timed("admin write", 204, "DELETE", `/api/users/${id}`, pat);
  }
}

const ADMIN_PAGES = ["/dashboard", "/admin/users", "/admin/tokens", "/admin/audit", "/profile"];
const USER_PAGES = ["/dashboard", "/profile"];

async function pageReader(c: Credentials, worker: number): Promise<void> {
  for (let i = worker; running(); i++) {
    const admin = i % 3 !== 0;
    const pages = admin ? ADMIN_PAGES : USER_PAGES;
    await timed("page", 200, "GET", pages[i % pages.length]!, { cookie: admin ? c.cookies.admin : c.cookies.analyst });
  }
}

async function badRequests(): Promise<void> {
  const bad: [number, string, Auth][] = [
    [404, "/no-such-page", {}],
    [401, "/api/users", {}],
    [401, "/auth/me", { bearer: "agnes_pat_not_a_real_token" }],
    [401, "/auth/me", { cookie: "not.a.jwt" }],
  ];
  for (let i = 0; running(); i++) {
    const [status, path, auth] = bad[i % bad.length]!;
    await timed("bad request", status, "GET", path, auth);
    await Bun.sleep(BAD_REQUEST_PAUSE_MS);
  }
}

/** Sessions and tokens the server holds in memory, from /metrics: flat when every sign-in signs out. */
async function authStateSize(adminPat: string): Promise<string> {
  const text = (await must(200, "GET", "/metrics", { bearer: adminPat })).text;
  const gauge = (name: string) => new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? "?";
  return `active sessions ${gauge("agnes_active_sessions")}, active tokens ${gauge("agnes_active_tokens")}`;
}

function databaseMB(dataDir: string): number {
  const size = (f: string) => {
    try {
      return statSync(join(dataDir, "state", f)).size;
    } catch {
      return 0;
    }
  };
  return (size("system.duckdb") + size("system.duckdb.wal")) / 1024 / 1024;
}

/** The load itself: every worker until the time is up, the backup half-way, /proc samples throughout. */
async function runLoad(c: Credentials, server: RunningServer): Promise<{ samples: Sample[]; backupMs: number }> {
  const t0 = performance.now();
  stopAt = t0 + SECONDS * 1000;
  rec.start(t0, SECONDS);
  const samples: Sample[] = [];
  const sample = () => {
    if (server.exitCode() === null) samples.push(sampleProcess(server.pid, (performance.now() - t0) / 1000));
  };
  sample();
  const sampler = setInterval(sample, SAMPLE_EVERY_MS);
  let backupMs = Number.NaN;
  const backup = async () => {
    await Bun.sleep(SECONDS * 500);
    backupMs = (await timed("backup", 201, "POST", "/api/admin/backups", { bearer: c.adminSession })).ms; // a backup needs an admin session: a PAT gets 403
  };
  await Promise.all([
    signInWorker(),
    ...Array.from({ length: 12 }, (_, w) => patReader(c, w)),
    ...Array.from({ length: 4 }, (_, w) => adminWriter(c, w)),
    ...Array.from({ length: 6 }, (_, w) => pageReader(c, w)),
    badRequests(),
    backup(),
  ]);
  clearInterval(sampler);
  sample();
  if (server.exitCode() !== null) throw new Error(`the server ended during the soak (exit ${server.exitCode()})`);
  return { samples, backupMs };
}

async function main(): Promise<number> {
  const errorLines: string[] = [];
  let partial = "";
  const server = await startServer({
    env: { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password, BACKUP_EVERY_HOURS: "0" },
    cost: "production",
    // The request log is read and dropped; only error lines are kept for the report.
    onOutput: (chunk) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop()!;
      for (const line of lines) if (line.includes('"level":"error"') && errorLines.length < 20) errorLines.push(line.slice(0, 300));
    },
  });
  base = server.url;
  try {
    const c = await prepare();
    const stateBefore = await authStateSize(c.adminPat);
    const dbBefore = databaseMB(server.dataDir);
    console.log(`soak: ${SECONDS} s of mixed load on ${base} (24 workers), server pid ${server.pid}`);
    const { samples, backupMs } = await runLoad(c, server);
    printRequests(rec, SECONDS);
    console.log(`backup half-way: ${backupMs.toFixed(0)} ms`);
    const { rssGrowthMB, fdGrowth } = printProcess(samples, SECONDS, WARM_UP);
    console.log(`auth state: before ${stateBefore}; after ${await authStateSize(c.adminPat)}`);
    console.log(`database file: ${dbBefore.toFixed(1)} MB → ${databaseMB(server.dataDir).toFixed(1)} MB`);
    console.log(`server error log lines: ${errorLines.length}${errorLines.length ? `\n  ${errorLines.join("\n  ")}` : ""}`);
    const fiveXX = rec.count((t) => t.classes[4]);
    const failed = fiveXX + rec.transportErrors + rec.count((t) => t.unexpected) + errorLines.length > 0;
    console.log(`\n5xx ${fiveXX} (goal 0), RSS after warm-up ${signed(rssGrowthMB)} MB, fds ${signed(fdGrowth, 0)}: ${failed ? "FAILED" : "OK"}`);
    return failed ? 1 : 0;
  } finally {
    await server.stop();
  }
}

process.exit(await main());
