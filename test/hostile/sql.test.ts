// Hostile SQL against the real server (one process for the file): generated file readers, ATTACH
// of the system database, COPY/EXPORT/INSTALL/LOAD/SET/PRAGMA/CALL, DDL and DML, multi-statement and
// comment tricks, leak probes, runaway queries and a flood. Invariants: every refusal is a 4xx with
// {"detail"}, no canary (a file outside the datasets, the session key, a password hash, an
// environment variable) ever appears in an answer, nothing is written under DATA_DIR or /tmp, the
// system database is never reached, the process stays up, and /health answers within 100 ms
// (95th percentile; never stalled) throughout, measured by polling while the runaways and the flood run.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { startServer, type RunningServer } from "../helpers/server";
import { forbiddenArb, GIANT_VALUES, probeArb, RUNAWAYS, WIDE_RESULTS, wrapArb, type Targets } from "./sql-cases";

const ADMIN = { email: "sql-admin@example.com", password: "sql-admin-password-1" };
const CANARY = `canary-${randomBytes(12).toString("hex")}`;
const ENV_CANARY = `envcanary-${randomBytes(12).toString("hex")}`;

let server: RunningServer;
let pat: string;
/** Another analyst: the hostile user's interrupted giant values stay on the hostile user's own cap. */
let patB: string;
let targets: Targets;
let secrets: string[];
let before: Map<string, number>;

async function api(path: string, init: RequestInit = {}, token = pat): Promise<Response> {
  return fetch(server.url + path, { ...init, headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(init.headers ?? {}) } });
}
const runSql = (sql: string, token = pat) =>
  api("/api/query", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sql }) }, token);

/** Every file under DATA_DIR with its size, but the system database's own (audit entries are written). */
function filesUnder(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory() || /system\.duckdb(\.wal)?$/.test(path)) continue;
    out.set(relative(dir, path), entry.isSymbolicLink() ? -1 : statSync(path).size);
  }
  return out;
}

beforeAll(async () => {
  server = await startServer({
    env: {
      AGNES_ADMIN_EMAIL: ADMIN.email,
      AGNES_ADMIN_PASSWORD: ADMIN.password,
      QUERY_TIMEOUT_S: "3",
      QUERY_MEMORY_MB: "256",
      AGNES_CANARY: ENV_CANARY,
      QUERY_CONCURRENCY: "4", // one user may hold 2 (QUERY_PER_USER default: half)
    },
  });
  const session = (
    (await (
      await fetch(`${server.url}/auth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) })
    ).json()) as { access_token: string }
  ).access_token;
  const created = await fetch(`${server.url}/auth/tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${session}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "hostile" }),
  });
  pat = ((await created.json()) as { token: string }).token;
  patB = await analystPat(session);
  const uploaded = await api("/api/datasets?name=sales", {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: "region,amount\nnorth,10\nsouth,20\n",
  });
  expect(uploaded.status).toBe(201);
  const datasetsDir = join(server.dataDir, "datasets");
  const canaryFile = join(server.dataDir, "canary.txt");
  writeFileSync(canaryFile, CANARY);
  const symlink = join(datasetsDir, "link.duckdb");
  symlinkSync(join(server.dataDir, "state", "system.duckdb"), symlink);
  const datasetFile = join(datasetsDir, readdirSync(datasetsDir).find((f) => f.endsWith(".parquet"))!);
  targets = { dataDir: server.dataDir, datasetsDir, symlink, canaryFile, datasetFile, port: Number(new URL(server.url).port) };
  secrets = [CANARY, ENV_CANARY, readFileSync(join(server.dataDir, "state", "jwt-secret"), "utf8").trim(), "$argon2id$"];
  before = filesUnder(server.dataDir);
});

/** A second user's PAT: the giant values run on as the first user's overtime, which holds that user's query cap. */
async function analystPat(adminSession: string): Promise<string> {
  const json = { "content-type": "application/json" };
  const user = { email: "sql-b@example.com", password: "sql-b-password-123" };
  const body = JSON.stringify({ ...user, role: "analyst", name: "B", must_change_password: false });
  const made = await fetch(`${server.url}/api/users`, { method: "POST", headers: { authorization: `Bearer ${adminSession}`, ...json }, body });
  expect(made.status).toBe(201);
  const signIn = await fetch(`${server.url}/auth/token`, { method: "POST", headers: json, body: JSON.stringify(user) });
  const session = ((await signIn.json()) as { access_token: string }).access_token;
  const headers = { authorization: `Bearer ${session}`, ...json };
  const res = await fetch(`${server.url}/auth/tokens`, { method: "POST", headers, body: JSON.stringify({ name: "hostile-b" }) });
  return ((await res.json()) as { token: string }).token;
}

afterAll(async () => {
  await server.stop();
});

/** The answer to one hostile statement, checked against the invariants; returns its status. */
async function check(sql: string, mustRefuse: boolean): Promise<number> {
  const res = await runSql(sql);
  const text = await res.text();
  const where = `${res.status} for ${JSON.stringify(sql.slice(0, 200))}: ${text.slice(0, 300)}`;
  for (const secret of secrets) if (text.includes(secret)) throw new Error(`leaked a secret, ${where}`);
  if (res.status >= 500) throw new Error(`server error, ${where}`);
  if (mustRefuse && res.status < 400) throw new Error(`ran, ${where}`);
  if (res.status >= 400) {
    const body = JSON.parse(text) as { detail?: unknown };
    if (typeof body.detail !== "string" || body.detail === "") throw new Error(`refusal without detail, ${where}`);
    if (body.detail.includes(server.dataDir)) throw new Error(`refusal names a path, ${where}`);
  }
  return res.status;
}

/**
 * Polls /health every 20 ms while `work` runs. Both processes share two cores with the queries
 * (and, on a busy machine, with other work): a poll can wait for a core without the server's event
 * loop being blocked. So the bound is held by the 95th percentile, and the slowest answer must
 * still show no stall (the event loop blocked for seconds would).
 */
async function healthDuring(work: Promise<unknown>, label: string): Promise<void> {
  let done = false;
  const times: number[] = [];
  const poll = (async () => {
    while (!done) {
      const started = performance.now();
      const res = await fetch(`${server.url}/health`);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      times.push(performance.now() - started);
      await Bun.sleep(20);
    }
  })();
  await work.finally(() => (done = true));
  await poll;
  times.sort((a, b) => a - b);
  const p95 = times[Math.floor(times.length * 0.95)] ?? 0;
  const slowest = times.at(-1) ?? 0;
  console.log(`${label}: /health polled ${times.length}×, p95 ${p95.toFixed(1)} ms, slowest ${slowest.toFixed(1)} ms`);
  expect(times.length).toBeGreaterThan(5);
  expect(p95).toBeLessThan(100);
  expect(slowest).toBeLessThan(500);
}

describe("hostile SQL against the real server", () => {
  test("forbidden statements, however wrapped, are refused with a 4xx and detail", async () => {
    await fc.assert(
      fc.asyncProperty(forbiddenArb(targets), wrapArb(), async (sql, wrap) => {
        await check(wrap(sql), true);
      }),
      { numRuns: 300 },
    );
  });

  test("file readers and leak probes never reach a file outside the datasets or a secret", async () => {
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(probeArb(targets), async (sql) => {
        statuses.push(await check(sql, false));
      }),
      { numRuns: 200 },
    );
    expect(statuses.some((s) => s === 403)).toBe(true); // the file readers were tried and refused
    expect((await runSql("SELECT * FROM read_text('/etc/hostname')")).status).toBe(403);
  });

  test("runaway queries end with 408/413/400 (or 429 after waiting) and /health stays fast meanwhile", async () => {
    const statuses: number[] = [];
    const wide: number[] = [];
    const all = [...RUNAWAYS.map(async (sql) => statuses.push(await check(sql, true))), ...WIDE_RESULTS.map(async (sql) => wide.push(await check(sql, false)))];
    await healthDuring(Promise.all(all), "runaways");
    // 429: waited longer than QUERY_TIMEOUT_S for a slot behind the others.
    expect(statuses.filter((s) => ![400, 408, 413, 429].includes(s))).toEqual([]);
    expect(wide.filter((s) => ![200, 408, 413, 429].includes(s))).toEqual([]);
    // One user runs at most QUERY_PER_USER at once (half of QUERY_CONCURRENCY = 4: 2); the rest waited.
    expect(statuses.filter((s) => s === 408 || s === 413).length).toBeGreaterThanOrEqual(2);
  });

  test("giant single values end with a 4xx (408 at the timeout plus grace), /health stays fast, the process stays up", async () => {
    const statuses: number[] = [];
    await healthDuring(Promise.all(GIANT_VALUES.map(async (sql) => statuses.push(await check(sql, false)))), "giant values");
    expect(statuses.filter((s) => s === 408 || s === 413)).toHaveLength(GIANT_VALUES.length);
    expect(server.exitCode()).toBeNull();
  });

  test("100 concurrent queries: each answered 200, 408 or 429 with Retry-After; /health stays fast", async () => {
    const answers: Response[] = [];
    const flood = Promise.all(
      // Each query does some work (a million-row join), so the flood lasts long enough to be polled
      // through: the fair gate answers most of one caller's flood with 429 at once.
      Array.from({ length: 100 }, async (_, i) =>
        answers.push(await runSql(`SELECT region, sum(amount) + ${i} FROM sales, range(1000000) r GROUP BY region`, patB)),
      ),
    );
    await healthDuring(flood, "flood");
    const ok = answers.filter((r) => r.status === 200).length;
    const busy = answers.filter((r) => r.status === 429);
    // 408: the giant values before run on in DuckDB as overtime (their slots were handed back), and
    // on a busy machine a query beside them can pass QUERY_TIMEOUT_S.
    const timedOut = answers.filter((r) => r.status === 408).length;
    expect(ok + busy.length + timedOut).toBe(100);
    expect(ok).toBeGreaterThan(0);
    for (const r of busy) expect(r.headers.get("retry-after")).toMatch(/^\d+$/);
    console.log(`flood: ${ok} answered, ${busy.length} refused 429`);
  });

  test("afterwards: nothing was written, the dataset is intact, the process is up", async () => {
    expect(filesUnder(server.dataDir)).toEqual(before);
    expect(existsSync("/tmp/agnes-written-by-sql.csv")).toBe(false);
    const res = await runSql("SELECT sum(amount) AS s, count(*) AS n FROM sales", patB);
    expect(await res.json()).toMatchObject({ rows: [[30, 2]] });
    expect(server.exitCode()).toBeNull();
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
