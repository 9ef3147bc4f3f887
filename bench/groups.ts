// Groups and grants at scale: 10,000 users, 1,000 groups, 100,000 memberships (10 per person) and
// 20 datasets each granted to 50 groups, against the same server without groups (every dataset
// granted to Everyone). Measured with one analyst's PAT on loopback, sequential requests after a
// warm-up, the two servers running at once and taking turns:
//   GET /api/sync/manifest   p50/p99, with and without groups: the difference is the access check
//   POST /api/query SELECT 1 p50/p99 likewise (the analyst may read every dataset in both, so both
//                            use the full sandbox and only the access check differs)
//   in process               the access decision alone (the manifest's 20 grantFor calls) over the
//                            same auth state, p50/p99 of 20,000 decisions
// Goal: < 1 ms p99 added. Run: bun bench/groups.ts [requests=500]
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../src/db/database";
import { migrate } from "../src/db/migrate";
import { PasswordHasher } from "../src/auth/passwords";
import { AuthState } from "../src/auth/auth-state";
import { readAuthRecords } from "../src/modules/accounts/auth-records";
import { insertUser, insertUsers } from "../src/modules/users/repository";
import { startServer } from "../test/helpers/server";

const USERS = 10_000;
const GROUPS = 1_000;
const PER_USER = 10;
const DATASETS = 20;
const GRANTS_PER_DATASET = 50;
const REQUESTS = Number(process.argv[2] ?? 500);
const WARMUP = 50;
const ADMIN = { email: "bench-admin@example.com", password: "bench-admin-password" };
const ANALYST = { email: "user-0@bench.example", password: "bench-analyst-password" };

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const groupOf = (user: number, k: number) => (user * 7 + k * 100) % GROUPS;

async function seedUsers(db: Database): Promise<void> {
  const hasher = new PasswordHasher();
  const [adminHash, analystHash] = [await hasher.hash(ADMIN.password), await hasher.hash(ANALYST.password)];
  const now = new Date();
  await db.transaction(async (tx) => {
    await insertUser(tx, { id: "bench-admin", email: ADMIN.email, name: "Bench Admin", role: "admin", passwordHash: adminHash, now });
    for (let start = 0; start < USERS; start += 500) {
      const batch = Array.from({ length: Math.min(500, USERS - start) }, (_, k) => {
        const i = start + k;
        return { id: `bench-${i}`, email: `user-${i}@bench.example`, name: `User ${i}`, role: "analyst" as const, passwordHash: analystHash, now };
      });
      await insertUsers(tx, batch);
    }
  });
}

/** Bench-only bulk SQL: 100,000 rows one statement at a time would take a minute. */
async function seedGroups(db: Database): Promise<void> {
  await db.run(`INSERT INTO groups SELECT 'g-' || i, 'Group ' || i, '', 'agnes', now()::TIMESTAMP FROM range(${GROUPS}) t(i)`);
  await db.run(
    `INSERT INTO group_members SELECT DISTINCT 'g-' || ((u * 7 + k * 100) % ${GROUPS}), 'bench-' || u, 'agnes', now()::TIMESTAMP
     FROM range(${USERS}) a(u), range(${PER_USER}) b(k)`,
  );
}

async function prepare(withGroups: boolean): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), `agnes-bench-groups-${withGroups ? "on" : "off"}-`));
  mkdirSync(join(dataDir, "state"), { recursive: true });
  const db = await Database.open(join(dataDir, "state", "system.duckdb"));
  await migrate(db);
  await seedUsers(db);
  if (withGroups) await seedGroups(db);
  await db.close();
  return dataDir;
}

type Json = Record<string, unknown>;
async function call(url: string, method: string, token: string | null, body?: unknown, type = "application/json"): Promise<Json> {
  const headers: Record<string, string> = { accept: "application/json", "content-type": type };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method, headers, body: typeof body === "string" ? body : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Json;
}

/** 20 datasets; with groups each is granted to 50 groups, one of them the analyst's. */
async function loadDatasets(base: string, admin: string, withGroups: boolean): Promise<void> {
  for (let d = 0; d < DATASETS; d++) {
    await call(`${base}/api/datasets?name=ds${d}`, "POST", admin, `x,y\n${d},1\n`, "text/csv");
    if (!withGroups) continue;
    const groups = new Set([`g-${groupOf(0, d % PER_USER)}`]);
    for (let j = 0; groups.size < GRANTS_PER_DATASET; j++) groups.add(`g-${(d * 37 + j * 13 + 500) % GROUPS}`);
    await call(`${base}/api/datasets/ds${d}/grants`, "PUT", admin, { groups: [...groups] });
  }
}

type Side = { url: string; auth: Record<string, string>; pid: number; dataDir: string; stop: () => Promise<void> };

/** A server on its own seeded DATA_DIR, the datasets loaded, and the analyst's PAT. */
async function side(withGroups: boolean): Promise<Side> {
  const dataDir = await prepare(withGroups);
  const server = await startServer({ dataDir, cost: "production" });
  const admin = (await call(`${server.url}/auth/token`, "POST", null, ADMIN)).access_token as string;
  await loadDatasets(server.url, admin, withGroups);
  const session = (await call(`${server.url}/auth/token`, "POST", null, ANALYST)).access_token as string;
  const pat = (await call(`${server.url}/auth/tokens`, "POST", session, { name: "bench" })).token as string;
  const auth = { authorization: `Bearer ${pat}`, accept: "application/json" };
  const tables = Object.keys(((await (await fetch(`${server.url}/api/sync/manifest`, { headers: auth })).json()) as { tables: Json }).tables);
  if (tables.length !== DATASETS) throw new Error(`the analyst reads ${tables.length} datasets, not ${DATASETS}`);
  return { url: server.url, auth, pid: server.pid, dataDir, stop: server.stop };
}

async function once(send: () => Promise<Response>): Promise<number> {
  const t0 = performance.now();
  const res = await send();
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`status ${res.status}`);
  return performance.now() - t0;
}

/**
 * The two servers take turns, one request each, so both see the same load on this shared machine
 * (measured one after the other, the second server's p99 swung by several ms either way).
 */
async function interleaved(off: Side, on: Side, request: (s: Side) => () => Promise<Response>): Promise<[number[], number[]]> {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const [a, b] = i % 2 ? [on, off] : [off, on]; // alternate who goes first
    const ta = await once(request(a));
    const tb = await once(request(b));
    if (i < WARMUP) continue;
    times[a === off ? 0 : 1].push(ta);
    times[b === off ? 0 : 1].push(tb);
  }
  return times;
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

/** The access decision alone, over the auth state as the server loads it (after the server stopped). */
async function decideInProcess(dataDir: string, server: { stop: () => Promise<void> }): Promise<number[]> {
  await server.stop();
  const db = await Database.open(join(dataDir, "state", "system.duckdb"));
  const { state } = AuthState.load(await readAuthRecords(db, new Date()));
  await db.close();
  const user = state.user("bench-0")!;
  const times: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const t0 = performance.now();
    for (let d = 0; d < DATASETS; d++) if (state.groups.grantFor(user, `ds${d}`) === null) throw new Error("no access");
    times.push(performance.now() - t0);
  }
  return times.slice(1000);
}

const line = (name: string, off: number[], on: number[]) =>
  console.log(
    `${name.padEnd(24)} without groups p50 ${pct(off, 0.5).toFixed(3)} p99 ${pct(off, 0.99).toFixed(3)} ms · with groups p50 ${pct(on, 0.5).toFixed(3)} p99 ${pct(on, 0.99).toFixed(3)} ms · p99 added ${(pct(on, 0.99) - pct(off, 0.99)).toFixed(3)} ms`,
  );

const [off, on] = [await side(false), await side(true)];
try {
  const manifest = await interleaved(off, on, (s) => () => fetch(`${s.url}/api/sync/manifest`, { headers: s.auth }));
  const body = JSON.stringify({ sql: "SELECT 1" });
  const query = await interleaved(
    off,
    on,
    (s) => () => fetch(`${s.url}/api/query`, { method: "POST", headers: { ...s.auth, "content-type": "application/json" }, body }),
  );
  const rss = [rssMb(off.pid), rssMb(on.pid)];
  const decide = [await decideInProcess(off.dataDir, off), await decideInProcess(on.dataDir, on)];
  console.log(
    `${USERS} users, ${GROUPS} groups, ${USERS * PER_USER} memberships, ${DATASETS} datasets × ${GRANTS_PER_DATASET} grants; ${REQUESTS} requests each, interleaved`,
  );
  line("GET /api/sync/manifest", ...manifest);
  line("POST /api/query SELECT 1", ...query);
  line("access decision (20)", decide[0]!, decide[1]!);
  console.log(`server RSS: ${rss[0]!.toFixed(0)} MB without groups, ${rss[1]!.toFixed(0)} MB with them`);
} finally {
  await off.stop();
  await on.stop();
  rmSync(off.dataDir, { recursive: true, force: true });
  rmSync(on.dataDir, { recursive: true, force: true });
}
