// The audit trail with 1,000,000 entries: the first page of GET /api/audit and /admin/audit, and a
// filtered page, against the real server on loopback. Sequential requests (latency, not throughput)
// after a warm-up; /health in the same run as the baseline. Target: median under 100 ms.
//   bun bench/audit-1m.ts [requests-per-case=100]
// Bounded: seeding is one INSERT … SELECT FROM range() (seconds), and the run stops after BUDGET_MS.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../src/db/database";
import { migrate } from "../src/db/migrate";
import { startServer } from "../test/helpers/server";
import { reportSequential, type SequentialCase } from "./load";

const ROWS = 1_000_000;
const REQUESTS = Number(process.argv[2] ?? 100);
const WARMUP = 10;
const BUDGET_MS = 240_000;
const ADMIN = { AGNES_ADMIN_EMAIL: "bench-admin@example.com", AGNES_ADMIN_PASSWORD: "bench-admin-password" };
const started = Date.now();

async function seed(dataDir: string): Promise<number> {
  const t0 = performance.now();
  const db = await Database.open(join(dataDir, "state", "system.duckdb"));
  await migrate(db);
  // One entry every 25 s back from now: 1M entries span ~290 days, inside the default 365-day
  // retention, so the prune at start leaves them all. Ids sort like the server's UUIDv7 (by time).
  await db.run(
    `INSERT INTO audit_log (id, created_at, actor_id, actor_email, action, target, params, ip)
     SELECT printf('bench-%08d', ${ROWS} - i), now()::TIMESTAMP - to_seconds(i * 25),
            'actor-' || (i % 50), 'actor-' || (i % 50) || '@bench.example',
            ['auth.login', 'user.create', 'token.create', 'user.update', 'auth.login_failed'][(i % 5) + 1],
            'target-' || (i % 1000), '{"bench":true}', '10.0.' || (i % 250) || '.1'
     FROM range(${ROWS}) t(i)`,
  );
  const [count] = await db.query<{ n: number }>("SELECT count(*) AS n FROM audit_log");
  await db.close();
  if (count?.n !== ROWS) throw new Error(`seeded ${count?.n} rows, expected ${ROWS}`);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "agnes-bench-audit-"));
  mkdirSync(join(dataDir, "state"), { recursive: true });
  const seedMs = await seed(dataDir);
  console.log(`seeded ${ROWS.toLocaleString("en")} audit entries in ${(seedMs / 1000).toFixed(1)} s`);
  const server = await startServer({ dataDir, env: ADMIN, cost: "production" });
  try {
    const login = await fetch(`${server.url}/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: ADMIN.AGNES_ADMIN_EMAIL, password: ADMIN.AGNES_ADMIN_PASSWORD }),
    });
    const { access_token } = (await login.json()) as { access_token: string };
    const json = { authorization: `Bearer ${access_token}`, accept: "application/json" };
    const html = { authorization: `Bearer ${access_token}`, accept: "text/html" };
    const rows = (n: number) => (body: string) => (JSON.parse(body) as unknown[]).length === n;
    const cases: SequentialCase[] = [
      ["GET /health (baseline)", "/health", {}, (b) => b.includes("ok")],
      ["GET /api/audit", "/api/audit", json, rows(50)],
      ["GET /api/audit?action=user.", "/api/audit?action=user.", json, rows(50)],
      ["GET /admin/audit", "/admin/audit", html, (b) => b.includes("bench")],
    ];
    await reportSequential(server.url, cases, { warmup: WARMUP, requests: REQUESTS, deadline: started + BUDGET_MS });
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
