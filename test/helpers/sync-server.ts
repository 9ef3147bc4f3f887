// `da sync` in process with the real `fetch` against a fake server on 127.0.0.1 (Bun.serve), for the
// tests of a misbehaving server: what crosses the socket is real HTTP (lengths, chunking, gzip).
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { main } from "../../cli/main";
import type { System } from "../../cli/system";
import { CLI_MIN_VERSION_HEADER } from "../../src/shared/contract";

export const FILE = randomBytes(256 * 1024);
export const HASH = createHash("sha256").update(FILE).digest("hex");
export const TABLE = { hash: HASH, rows: 1, size_bytes: FILE.length, updated_at: "2026-01-01T00:00:00Z", columns: [] };
/** The header every Agnes answer carries (a floor any da meets). */
export const AGNES = { [CLI_MIN_VERSION_HEADER]: "0.0.0-a" };

export type Download = (request: Request) => Response | Promise<Response>;
export const whole: Download = () => new Response(FILE, { headers: AGNES });

/** A server whose manifest lists `tables` (blob by default) and whose downloads `download` answers. */
export function serve(download: Download, tables: Record<string, unknown> = { blob: TABLE }) {
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0, // a stalling server keeps the connection open
    fetch: (request) => (new URL(request.url).pathname === "/api/sync/manifest" ? Response.json({ tables }, { headers: AGNES }) : download(request)),
  });
}

/** Runs `da sync --dir DIR …` in process against `server` (da's own files in `configDir`). */
export async function syncWith(configDir: string, server: { url: URL }, dir: string, args: string[] = [], env: Record<string, string> = {}) {
  const err: string[] = [];
  const system: System = {
    env: { DA_SERVER: server.url.origin, DA_CONFIG_DIR: configDir, DA_TOKEN: "agnes_pat_test", NO_COLOR: "1", ...env },
    stdin: { isTTY: false, text: async () => "" },
    stdout: { write: () => {} },
    stderr: { isTTY: false, write: (text: string | Uint8Array) => err.push(String(text)) },
    fetch: (input, init) => fetch(input, init),
    prompter: null,
  };
  const code = await main(["sync", "--dir", dir, ...args], system);
  return { code, stderr: err.join("") };
}

export const syncPaths = (dir: string) => ({
  target: join(dir, "server", "parquet", "blob.parquet"),
  partial: join(dir, "server", "parquet", "blob.parquet.partial"),
  state: join(dir, "server", "sync-state.json"),
  lock: join(dir, "server", "sync.lock"),
});
