// Issue "data access": a runaway query must leave the server and other users' queries unaffected.
// One run against the real server: user A starts runaway queries (the hostile suite's, as many as
// there are query slots, and again as they end), while user B asks `SELECT 1` every 50 ms and /health
// is polled every 20 ms. Reports B's latency (p50/p95/p99/max, and any refusal) and /health's, against
// the same measurements with no runaway beside them, in the same run.
// Run: bun bench/runaway-neighbours.ts [seconds=15] [timeout_s=5]
import { startServer } from "../test/helpers/server";
import { RUNAWAYS } from "../test/hostile/sql-cases";

const SECONDS = Number(process.argv[2] ?? 15);
const TIMEOUT_S = process.argv[3] ?? "5";
const POOL = process.env.BENCH_UV_THREADPOOL_SIZE ?? "64";
const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

const server = await startServer({
  cost: "production",
  // As `bun run start` and the Dockerfile start it (BENCH_UV_THREADPOOL_SIZE=default: Bun's default, one per core).
  env: {
    AGNES_ADMIN_EMAIL: ADMIN.email,
    AGNES_ADMIN_PASSWORD: ADMIN.password,
    QUERY_TIMEOUT_S: TIMEOUT_S,
    ...(POOL === "default" ? {} : { UV_THREADPOOL_SIZE: POOL }),
  },
});
const post = async (path: string, body: unknown, token?: string) => {
  const res = await fetch(server.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, string> };
};

async function tokens(): Promise<{ a: string; b: string }> {
  const admin = (await post("/auth/token", ADMIN)).json.access_token!;
  const a = (await post("/auth/tokens", { name: "runaway-a" }, admin)).json.token!;
  const created = await post(
    "/api/users",
    { email: "b@example.com", password: "b-password-123456", role: "analyst", name: "B", must_change_password: false },
    admin,
  );
  if (created.status !== 201) throw new Error(`user B: ${created.status}`);
  const bSession = (await post("/auth/token", { email: "b@example.com", password: "b-password-123456" })).json.access_token!;
  return { a, b: (await post("/auth/tokens", { name: "neighbour-b" }, bSession)).json.token! };
}

type Sample = { select1: number[]; refused: number[]; health: number[] };

async function observe(b: string, seconds: number, during: () => Promise<void>): Promise<Sample> {
  const sample: Sample = { select1: [], refused: [], health: [] };
  const until = Date.now() + seconds * 1000;
  const loop = async (every: number, step: () => Promise<void>) => {
    while (Date.now() < until) {
      await step();
      await Bun.sleep(every);
    }
  };
  const neighbour = async () => {
    const started = performance.now();
    const res = await post("/api/query", { sql: "SELECT 1" }, b);
    if (res.status === 200) sample.select1.push(performance.now() - started);
    else sample.refused.push(res.status);
  };
  const health = async () => {
    const started = performance.now();
    await (await fetch(`${server.url}/health`)).arrayBuffer();
    sample.health.push(performance.now() - started);
  };
  await Promise.all([loop(50, neighbour), loop(20, health), during()]);
  return sample;
}

function line(label: string, s: Sample): string {
  const f = (xs: number[]) =>
    `p50 ${pct(xs, 0.5).toFixed(1)} p95 ${pct(xs, 0.95).toFixed(1)} p99 ${pct(xs, 0.99).toFixed(1)} max ${Math.max(...xs).toFixed(1)} ms`;
  return `${label.padEnd(16)} B's SELECT 1 (${s.select1.length} ok, refused: ${JSON.stringify(s.refused)}): ${f(s.select1)}\n${"".padEnd(16)} /health (${s.health.length}): ${f(s.health)}`;
}

try {
  const { a, b } = await tokens();
  const quiet = await observe(b, SECONDS, async () => {});
  let runaways = 0;
  const statuses: number[] = [];
  const loaded = await observe(b, SECONDS, async () => {
    const until = Date.now() + SECONDS * 1000;
    // As many runaways at once as QUERY_CONCURRENCY's default (2 per core), restarted as they end.
    const slot = async (i: number) => {
      while (Date.now() < until) {
        runaways++;
        statuses.push((await post("/api/query", { sql: RUNAWAYS[i % RUNAWAYS.length] }, a)).status);
      }
    };
    await Promise.all(Array.from({ length: 4 }, (_, i) => slot(i)));
  });
  console.log(`QUERY_TIMEOUT_S=${TIMEOUT_S}, UV_THREADPOOL_SIZE=${POOL}, ${SECONDS} s each`);
  console.log(line("no runaway", quiet));
  console.log(line(`${runaways} runaways`, loaded));
  console.log(`runaway answers: ${JSON.stringify(Object.fromEntries(statuses.reduce((m, s) => m.set(s, (m.get(s) ?? 0) + 1), new Map<number, number>())))}`);
} finally {
  await server.stop();
}
