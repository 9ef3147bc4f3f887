// GET /ready: can this server do its job right now? /health only says the process answers; /ready
// also needs the database to answer a query through the queue and to take writes: the same check
// every write makes first (src/db/database.ts writeBlocked: not reopened read-only, the directory
// writable, room left). Public, like /health (load balancers and orchestrators probe it without
// credentials). It writes nothing: probes come every few seconds.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { storageFailureOf } from "../../db/storage";

// A jammed database queue must answer "not ready", not hang the probe.
const READY_TIMEOUT_MS = 2_000;
const STORAGE_PROBLEM = "The server's storage is full or read-only: writes are refused";

export async function readinessProblem(ctx: Pick<AppContext, "db" | "config">): Promise<string | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("The database did not answer in time"), READY_TIMEOUT_MS)));
  const query = ctx.db.query("SELECT 1 AS ok").then(
    () => null,
    (error) => (storageFailureOf(error) ? STORAGE_PROBLEM : "The database is not available"),
  );
  try {
    const problem = await Promise.race([query, timeout]);
    if (problem) return problem;
    return ctx.db.writeBlocked() ? STORAGE_PROBLEM : null;
  } finally {
    clearTimeout(timer);
  }
}

export function readyModule(ctx: AppContext) {
  return new Elysia({ name: "ready" }).get("/ready", async ({ set }) => {
    const problem = await readinessProblem(ctx);
    set.headers["cache-control"] = "no-store";
    if (!problem) return { status: "ready" as const };
    set.status = 503;
    return { detail: problem };
  });
}
