// Listing users with 10,000 of them: GET /api/users and GET /admin/users, first page and a search
// (q=user-9, 1,111 matches), against the real server on loopback. Sequential requests (latency,
// not throughput), after a warm-up; /health in the same run as the baseline.
//   bun bench/users-list.ts [requests-per-case=200]
// Bounded: seeding takes a few seconds, and the whole run stops after BUDGET_MS.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../src/db/database";
import { migrate } from "../src/db/migrate";
import { PasswordHasher } from "../src/auth/passwords";
import { insertUser, insertUsers } from "../src/modules/users/repository";
import { startServer } from "../test/helpers/server";
import { reportSequential, type SequentialCase } from "./load";

const USERS = 10_000;
const REQUESTS = Number(process.argv[2] ?? 200);
const WARMUP = 20;
const BUDGET_MS = 180_000;
const ADMIN = { email: "bench-admin@example.com", password: "bench-admin-password" };
const started = Date.now();

async function seed(dataDir: string): Promise<number> {
  const t0 = performance.now();
  const db = await Database.open(join(dataDir, "state", "system.duckdb"));
  await migrate(db);
  // One argon2 hash for everyone: hashing 10,000 passwords would take ~15 minutes.
  const passwordHash = await new PasswordHasher().hash(ADMIN.password);
  const roles = ["viewer", "analyst", "km_admin", "admin"] as const;
  const now = new Date();
  await db.transaction(async (tx) => {
    await insertUser(tx, { id: "bench-admin", email: ADMIN.email, name: "Bench Admin", role: "admin", passwordHash, now });
    for (let start = 0; start < USERS; start += 500) {
      const batch = Array.from({ length: Math.min(500, USERS - start) }, (_, k) => {
        const i = start + k;
        return { id: `bench-${i}`, email: `user-${i}@bench.example`, name: `User Number ${i}`, role: roles[i % roles.length]!, passwordHash, now };
      });
      await insertUsers(tx, batch);
    }
  });
  await db.close();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "agnes-bench-users-"));
  mkdirSync(join(dataDir, "state"), { recursive: true });
  const seedMs = await seed(dataDir);
  console.log(`seeded ${USERS + 1} users in ${(seedMs / 1000).toFixed(1)} s`);
  const server = await startServer({ dataDir, cost: "production" });
  try {
    const login = await fetch(`${server.url}/auth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
    const { access_token } = (await login.json()) as { access_token: string };
    const json = { authorization: `Bearer ${access_token}`, accept: "application/json" };
    const html = { authorization: `Bearer ${access_token}`, accept: "text/html" };
    const rows = (n: number) => (body: string) => (JSON.parse(body) as unknown[]).length === n;
    const page = (body: string) => body.includes("of 10001") || body.includes("of 1111");
    const cases: SequentialCase[] = [
      ["GET /health (baseline)", "/health", {}, (b) => b.includes("ok")],
      ["GET /api/users", "/api/users", json, rows(50)],
      ["GET /api/users?q=user-9", "/api/users?q=user-9", json, rows(50)],
      ["GET /admin/users", "/admin/users", html, page],
      ["GET /admin/users?q=user-9", "/admin/users?q=user-9", html, page],
    ];
    await reportSequential(server.url, cases, { warmup: WARMUP, requests: REQUESTS, deadline: started + BUDGET_MS });
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
