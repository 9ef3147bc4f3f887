// Starts the real server (`bun src/server.ts`) on 127.0.0.1 with a free port and a temp DATA_DIR,
// for tests that need the real process and its HTTP layer: CLI, browser, install, hostile input,
// crafted Host headers, Range requests, what a clean stop leaves on disk.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { TEST_SIGNING_KEY_FILE, testSigningKey } from "./signing";

const ROOT = resolve(import.meta.dir, "../..");

export type RunningServer = {
  url: string;
  dataDir: string;
  /** The server process's id (benchmarks read its memory and open files under /proc). */
  pid: number;
  logs: () => string;
  /** The process's exit code once it has ended (e.g. killed by a request), else null. */
  exitCode: () => number | null;
  /** Sends a signal to the process (crash and shutdown tests); `exited` resolves with its exit code. */
  kill: (signal: "SIGKILL" | "SIGTERM" | "SIGINT") => void;
  exited: Promise<number>;
  stop: () => Promise<void>;
};

/**
 * `onOutput`, for long runs: every chunk of stdout/stderr is handed to it, and `logs()` keeps only
 * what came before the server listened (a soak's request log would otherwise fill the memory).
 */
/**
 * `cost: "production"` runs `bun src/server.ts` itself (benchmarks: sign-ins at real argon2id cost);
 * tests default to the same server through test-server-main.ts, with the test password cost.
 */
export async function startServer(
  opts: { env?: Record<string, string>; dataDir?: string; onOutput?: (chunk: string) => void; cost?: "test" | "production" } = {},
): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "agnes-server-"));
  testSigningKey(); // made before the server starts, so it never has to
  let output = "";
  let url: string | null = null;
  const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn(["bun", opts.cost === "production" ? "src/server.ts" : "test/helpers/test-server-main.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? dataDir,
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: dataDir,
      CLI_DIST_DIR: join(dataDir, "no-cli-dist"),
      CLI_BUILD_ON_START: "off", // only test/distribution/build-on-start.test.ts builds
      DA_SIGNING_KEY: TEST_SIGNING_KEY_FILE, // the key the test da and test builds use
      // As `bun run start` and the Dockerfile run it: DuckDB calls share this pool (README, "Data access").
      UV_THREADPOOL_SIZE: "64",
      ...opts.env,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const chunk = decoder.decode(value, { stream: true });
      if (!opts.onOutput || !url) output += chunk;
      opts.onOutput?.(chunk);
    }
  };
  void collect(proc.stdout);
  void collect(proc.stderr);

  const deadline = Date.now() + 20_000;
  while (!url && Date.now() < deadline) {
    const match = /"event":"server.listening","url":"([^"]+)"/.exec(output);
    if (match) url = match[1]!;
    else if (proc.exitCode !== null) break;
    else await Bun.sleep(25);
  }
  if (!url) {
    proc.kill();
    throw new Error(`server did not start:\n${output}`);
  }
  const stop = async () => {
    proc.kill("SIGTERM");
    await proc.exited;
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    url,
    dataDir,
    pid: proc.pid,
    logs: () => output,
    exitCode: () => proc.exitCode ?? (proc.signalCode ? -1 : null),
    kill: (signal) => proc.kill(signal),
    exited: proc.exited,
    stop,
  };
}
