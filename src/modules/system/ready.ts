// GET /ready: can this server do its job right now? /health only says the process answers; /ready
// also needs the database to answer a query through the queue and DATA_DIR's state directory to be
// writable. Public, like /health (load balancers and orchestrators probe it without credentials).
import { accessSync, constants } from "node:fs";
import { Elysia } from "elysia";
import type { AppContext } from "../../context";

// A jammed database queue must answer "not ready", not hang the probe.
const READY_TIMEOUT_MS = 2_000;

export async function readinessProblem(ctx: Pick<AppContext, "db" | "config">): Promise<string | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("The database did not answer in time"), READY_TIMEOUT_MS)));
  const query = ctx.db.query("SELECT 1 AS ok").then(() => null, () => "The database is not available");
  try {
    const problem = await Promise.race([query, timeout]);
    if (problem) return problem;
    accessSync(ctx.config.stateDir, constants.W_OK);
    return null;
  } catch {
    return "The data directory is not writable";
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
