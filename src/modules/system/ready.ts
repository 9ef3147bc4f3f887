// GET /ready: can this server do its job right now? /health only says the process answers; /ready
// also needs the database to answer a query through the queue and to accept writes: not reopened
// read-only after a failure, and DATA_DIR's state directory takes a small file (a full disk refuses
// it, a read-only one too). Public, like /health (load balancers and orchestrators probe it without
// credentials). The probe writes a file, never the database: probes come every few seconds.
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { storageFailureOf } from "../../db/storage";

// A jammed database queue must answer "not ready", not hang the probe.
const READY_TIMEOUT_MS = 2_000;
// About what a few WAL appends need: a disk that cannot take this cannot take writes either.
const PROBE_BYTES = 64 * 1024;
const STORAGE_PROBLEM = "The server's storage is full or read-only: writes are refused";

export async function readinessProblem(ctx: Pick<AppContext, "db" | "config">): Promise<string | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("The database did not answer in time"), READY_TIMEOUT_MS)));
  const query = ctx.db.query("SELECT 1 AS ok").then(() => null, (error) => (storageFailureOf(error) ? STORAGE_PROBLEM : "The database is not available"));
  try {
    const problem = await Promise.race([query, timeout]);
    if (problem) return problem;
    if (ctx.db.readOnly) return STORAGE_PROBLEM;
    return writeProbe(ctx.config.stateDir);
  } finally {
    clearTimeout(timer);
  }
}

function writeProbe(dir: string): string | null {
  const file = join(dir, `.ready-probe-${process.pid}`);
  let fd: number | null = null;
  try {
    fd = openSync(file, "w", 0o600);
    writeSync(fd, new Uint8Array(PROBE_BYTES));
    fsyncSync(fd);
    return null;
  } catch (error) {
    return storageFailureOf(error) ? STORAGE_PROBLEM : "The data directory is not writable";
  } finally {
    try {
      if (fd !== null) closeSync(fd);
      rmSync(file, { force: true });
    } catch {
      // a read-only file system refuses even the unlink of a file that was never made
    }
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
