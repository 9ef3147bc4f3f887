// Two `da sync` runs at once on the same directory (a cron job and a person, two terminals), with the
// compiled binary against a fake server that orders their steps: both read the state file before
// either has saved it, so both start the download afresh; the second opens (and truncates) the
// `.partial` while the first is halfway, the first then finishes, and the second is cut. Before a
// run held the directory, the first hashed each position once, before the truncation, installed a
// file whose first half had become zeros, and recorded it as up to date. And a run stopped by
// Ctrl-C: its partial is resumed and its lock taken over by the next run.
import { afterAll, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_MIN_VERSION_HEADER } from "../../src/shared/contract";
import { daBinary, runDa, type DaResult } from "../helpers/cli";

const FILE = randomBytes(2 * 1024 * 1024);
const HASH = createHash("sha256").update(FILE).digest("hex");
const HALF = FILE.length / 2;
const root = mkdtempSync(join(tmpdir(), "da-sync-concurrent-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Resolves once `ok()` holds (checked every 5 ms) or `oneEnded` settles. */
async function until(ok: () => boolean, oneEnded: Promise<unknown>): Promise<void> {
  let over = false;
  void oneEnded.finally(() => (over = true));
  while (!over && !ok()) await Bun.sleep(5);
}

/** The steps of two runs, each held until the other run got to its step (or a run has ended). */
function orderedServer(partial: string, target: string, oneEnded: Promise<unknown>) {
  let manifests = 0;
  let downloads = 0;
  let secondOpened = false;
  const headers = { [CLI_MIN_VERSION_HEADER]: "0.0.0-a" };
  const table = { hash: HASH, rows: 1, size_bytes: FILE.length, updated_at: "2026-01-01T00:00:00Z", columns: [] };
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      if (new URL(request.url).pathname === "/api/sync/manifest") {
        // Both runs have read the state file by the time they ask for the manifest; the second
        // gets it once the first has written (and hashed) half of the file.
        if (++manifests === 1) await until(() => manifests > 1, oneEnded);
        else await until(() => existsSync(partial) && statSync(partial).size >= HALF, oneEnded), await Bun.sleep(100);
        return Response.json({ tables: { blob: table } }, { headers });
      }
      const first = ++downloads === 1;
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (first && sent > 0) {
            await until(() => secondOpened, oneEnded);
            await Bun.sleep(200); // the second run has truncated the partial meanwhile
            controller.enqueue(FILE.subarray(HALF));
            return controller.close();
          }
          if (first) return controller.enqueue(FILE.subarray(0, (sent = HALF)));
          if (sent > 0) {
            secondOpened = true;
            await until(() => existsSync(target), oneEnded);
            return controller.close(); // short of its Content-Length: the second run ends there
          }
          controller.enqueue(FILE.subarray(0, (sent = 1000)));
        },
      });
      return new Response(body, { headers: { ...headers, "content-length": String(FILE.length) } });
    },
  });
}

test("two runs at once on one directory: the second is refused, and what is installed is the file", async () => {
  const dir = join(root, "two");
  const target = join(dir, "server", "parquet", "blob.parquet");
  const partial = `${target}.partial`;
  let ended = () => {};
  const oneEnded = new Promise<void>((resolve) => (ended = resolve));
  const server = orderedServer(partial, target, oneEnded);
  const env = { HOME: root, DA_SERVER: server.url.origin, DA_TOKEN: "agnes_pat_test", DA_CONFIG_DIR: join(root, "config"), NO_COLOR: "1" };
  const run = () => runDa(["sync", "--dir", dir], { env }).finally(ended);
  try {
    const runs: DaResult[] = await Promise.all([run(), run()]);
    expect(readFileSync(target).equals(FILE)).toBe(true);
    expect(runs.map((r) => r.code).sort()).toEqual([0, 1]);
    expect(runs.find((r) => r.code === 1)!.stderr).toContain("another `da sync`");
    const again = await runDa(["sync", "--dir", dir], { env });
    expect(again.stderr).toContain("0 downloaded, 1 up to date");
    expect(existsSync(join(dir, "server", "sync.lock"))).toBe(false);
  } finally {
    server.stop(true);
  }
});

test("Ctrl-C in a stalled download leaves a partial and a lock the next run resumes from and takes over", async () => {
  const dir = join(root, "interrupted");
  const { target, partial } = { target: join(dir, "server", "parquet", "blob.parquet"), partial: join(dir, "server", "parquet", "blob.parquet.partial") };
  const ranges: (string | null)[] = [];
  const table = { hash: HASH, rows: 1, size_bytes: FILE.length, updated_at: "2026-01-01T00:00:00Z", columns: [] };
  const headers = { [CLI_MIN_VERSION_HEADER]: "0.0.0-a" };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    fetch(request) {
      if (new URL(request.url).pathname === "/api/sync/manifest") return Response.json({ tables: { blob: table } }, { headers });
      const range = request.headers.get("range");
      ranges.push(range);
      if (range)
        return new Response(FILE.subarray(HALF), { status: 206, headers: { ...headers, "content-range": `bytes ${HALF}-${FILE.length - 1}/${FILE.length}` } });
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent) return new Promise(() => {}); // stalls until da is stopped
          sent = true;
          controller.enqueue(FILE.subarray(0, HALF));
        },
      });
      return new Response(body, { headers: { ...headers, "content-length": String(FILE.length) } });
    },
  });
  const env = { HOME: root, DA_SERVER: server.url.origin, DA_TOKEN: "agnes_pat_test", DA_CONFIG_DIR: join(root, "config"), NO_COLOR: "1" };
  try {
    const first = Bun.spawn([await daBinary(), "sync", "--dir", dir], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, stderr: "pipe" });
    while (!(existsSync(partial) && statSync(partial).size === HALF)) await Bun.sleep(10);
    first.kill("SIGINT");
    expect(await first.exited).not.toBe(0);
    expect(existsSync(join(dir, "server", "sync.lock"))).toBe(true);
    const resumed = await runDa(["sync", "--dir", dir], { env });
    expect(resumed.code).toBe(0);
    expect(ranges).toEqual([null, `bytes=${HALF}-`]);
    expect(readFileSync(target).equals(FILE)).toBe(true);
  } finally {
    server.stop(true);
  }
});
