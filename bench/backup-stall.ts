// How long do writes stall while a backup runs? Seeds 10,000 users and 100,000 audit rows, keeps
// creating users through the app (one at a time, as fast as they are answered), takes a backup in
// the middle, and reports the backup's duration and the longest write before and during it.
//   bun run bench:backup [users] [audit-rows]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../src/app";
import { systemClock } from "../src/clock";
import { loadConfig } from "../src/config";
import { createContext } from "../src/context";
import { Database } from "../src/db/database";
import { migrate } from "../src/db/migrate";
import { createMemoryLogger } from "../src/log";
import { prepareFirstRun } from "../src/modules/accounts/service";
import { restoreBackup } from "../src/ops/restore";

const USERS = Number(process.argv[2] ?? 10_000);
const AUDIT = Number(process.argv[3] ?? 100_000);
const dataDir = mkdtempSync(join(tmpdir(), "agnes-bench-backup-"));
const config = loadConfig({ DATA_DIR: dataDir, AGNES_ADMIN_EMAIL: "root@example.com", AGNES_ADMIN_PASSWORD: "root-password-1", BACKUP_EVERY_HOURS: "0" });
const db = await Database.open(join(config.stateDir, "system.duckdb"));
await migrate(db);
const ctx = await createContext({ config, db, clock: systemClock, log: createMemoryLogger(), commit: "bench" });
await prepareFirstRun(ctx);
// Seeded straight into the tables (the auth state does not need them: nobody signs in as them).
await db.run(`INSERT INTO users (id, email, name, role, active, created_at, updated_at)
  SELECT uuid()::VARCHAR, 'seed' || i || '@example.com', 'Seed ' || i, 'analyst', TRUE, now(), now() FROM range(${USERS}) t(i)`);
await db.run(`INSERT INTO audit_log (id, created_at, actor_id, actor_email, action, target, params, ip)
  SELECT uuid()::VARCHAR, now() - to_seconds(i), NULL, 'seed@example.com', 'user.create', uuid()::VARCHAR, '{"role":"analyst"}', '127.0.0.1' FROM range(${AUDIT}) t(i)`);
await db.run("CHECKPOINT");
const app = createApp(ctx);
const login = await app.handle(
  new Request("http://localhost/auth/token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "root@example.com", password: "root-password-1" }),
  }),
);
const token = ((await login.json()) as { access_token: string }).access_token;

let phase: "before" | "during" | "after" = "before";
const worst = { before: 0, during: 0, after: 0 };
const count = { before: 0, during: 0, after: 0 };
let stop = false;
const writer = (async () => {
  for (let i = 0; !stop && i < 1_000_000; i++) {
    const started = performance.now();
    const res = await app.handle(
      new Request("http://localhost/api/users", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ email: `w${i}@example.com`, role: "viewer" }),
      }),
    );
    if (res.status !== 201) throw new Error(`write ${i}: ${res.status}`);
    const ms = performance.now() - started;
    worst[phase] = Math.max(worst[phase], ms);
    count[phase]++;
  }
})();
await Bun.sleep(2_000);
phase = "during";
const started = performance.now();
const backup = await ctx.backups.create({ actor: null, ip: null, reason: "request" });
const backupMs = performance.now() - started;
phase = "after";
await Bun.sleep(1_000);
stop = true;
await writer;
await ctx.activity.stop();
await db.close();

const restoreDir = join(dataDir, "restored");
const restored = await restoreBackup({ file: join(config.backupDir, backup.name), dataDir: restoreDir, replace: false });
const round = (n: number) => Math.round(n * 10) / 10;
console.log(
  JSON.stringify(
    {
      users: USERS,
      audit_rows: AUDIT,
      backup_ms: round(backupMs),
      backup_bytes: backup.size,
      writes: count,
      longest_write_ms: { before: round(worst.before), during: round(worst.during), after: round(worst.after) },
      restore_ms: restored.ms,
      restored_users: restored.users,
    },
    null,
    2,
  ),
);
rmSync(dataDir, { recursive: true, force: true });
