// `da sync` against a server that misbehaves (compromised, or a broken proxy in front of it) and
// next to another run: da in process with the real `fetch` against a Bun.serve on 127.0.0.1, so
// what crosses the socket is real HTTP (lengths, chunking, gzip). The properties: nothing that does
// not hash to the manifest's value is installed, what is written stays within the manifest's size,
// a stalled server ends the run (the partial kept for a resume), and one run at a time per DIR.
import { afterAll, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../cli/main";
import type { System } from "../../cli/system";
import { CLI_MIN_VERSION_HEADER } from "../../src/shared/contract";

const FILE = randomBytes(256 * 1024);
const HASH = createHash("sha256").update(FILE).digest("hex");
const TABLE = { hash: HASH, rows: 1, size_bytes: FILE.length, updated_at: "2026-01-01T00:00:00Z", columns: [] };
const AGNES = { [CLI_MIN_VERSION_HEADER]: "0.0.0-a" };
const root = mkdtempSync(join(tmpdir(), "da-sync-hostile-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Download = (request: Request) => Response | Promise<Response>;

/** A server whose manifest lists `tables` (blob by default) and whose downloads `download` answers. */
function serve(download: Download, tables: Record<string, unknown> = { blob: TABLE }) {
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request) => (new URL(request.url).pathname === "/api/sync/manifest" ? Response.json({ tables }, { headers: AGNES }) : download(request)),
  });
}

async function sync(server: { url: URL }, dir: string, args: string[] = [], env: Record<string, string> = {}) {
  const err: string[] = [];
  const system: System = {
    env: { DA_SERVER: server.url.origin, DA_CONFIG_DIR: join(root, "config"), DA_TOKEN: "agnes_pat_test", NO_COLOR: "1", ...env },
    stdin: { isTTY: false, text: async () => "" },
    stdout: { write: () => {} },
    stderr: { isTTY: false, write: (text: string | Uint8Array) => err.push(String(text)) },
    fetch: (input, init) => fetch(input, init),
    prompter: null,
  };
  const code = await main(["sync", "--dir", dir, ...args], system);
  return { code, stderr: err.join("") };
}

const paths = (dir: string) => ({
  target: join(dir, "server", "parquet", "blob.parquet"),
  partial: join(dir, "server", "parquet", "blob.parquet.partial"),
  lock: join(dir, "server", "sync.lock"),
});
const whole: Download = () => new Response(FILE, { headers: AGNES });

test("a lock held by a live process refuses the run; one left by a killed run is taken over and released", async () => {
  const server = serve(whole);
  const dir = join(root, "locked");
  mkdirSync(join(dir, "server"), { recursive: true });
  const holder = Bun.spawn(["sleep", "30"]);
  const gone = Bun.spawn(["true"]);
  await gone.exited;
  try {
    writeFileSync(paths(dir).lock, String(holder.pid));
    const refused = await sync(server, dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`another \`da sync\` (process ${holder.pid}) is working in ${join(dir, "server")}`);
    expect(existsSync(paths(dir).target)).toBe(false);
    expect(readFileSync(paths(dir).lock, "utf8")).toBe(String(holder.pid));

    writeFileSync(paths(dir).lock, String(gone.pid));
    const run = await sync(server, dir);
    expect(run.code).toBe(0);
    expect(readFileSync(paths(dir).target).equals(FILE)).toBe(true);
    expect(existsSync(paths(dir).lock)).toBe(false);
  } finally {
    holder.kill();
    server.stop(true);
  }
});
