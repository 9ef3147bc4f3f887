// Builds the real `da` binary (once per `bun test` run across its workers, reused while the CLI is
// unchanged: test/helpers/build-cache.ts) and runs it with a clean environment: a temp HOME per
// sandbox, nothing inherited from the developer's shell.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileDa } from "../../scripts/build-cli";
import { sharedBuild } from "./build-cache";
import { testPublicKey } from "./signing";

async function buildOnce(): Promise<string> {
  const dir = await sharedBuild("test-da", async (into) => {
    await compileDa({ outfile: join(into, "da"), signingKey: testPublicKey() });
  });
  return join(dir, "da");
}

let built: Promise<string> | null = null;

/** Path to the compiled host binary; the first caller builds it (or finds it cached), everyone shares it. */
export function daBinary(): Promise<string> {
  built ??= buildOnce();
  return built;
}

export type DaResult = { code: number; stdout: string; stderr: string };
export type RunOptions = { env?: Record<string, string>; stdin?: string; cwd?: string };

/** A temp HOME; `configDir` is where da keeps its files when no DA_CONFIG_DIR/XDG is set. */
export type Sandbox = { home: string; configDir: string; env: Record<string, string>; cleanup: () => void };

const liveSandboxes = new Set<Sandbox>();

export function sandbox(): Sandbox {
  const home = mkdtempSync(join(tmpdir(), "da-home-"));
  const box: Sandbox = {
    home,
    configDir: join(home, ".config", "da"),
    env: { HOME: home, NO_COLOR: "1" },
    cleanup: () => {
      liveSandboxes.delete(box);
      rmSync(home, { recursive: true, force: true });
    },
  };
  liveSandboxes.add(box);
  return box;
}

/** Removes every sandbox made so far (call from afterAll; a test keeps its box in a local). */
export function cleanupSandboxes(): void {
  for (const box of [...liveSandboxes]) box.cleanup();
}

export async function runDa(args: string[], opts: RunOptions = {}): Promise<DaResult> {
  const binary = await daBinary();
  const proc = Bun.spawn([binary, ...args], {
    cwd: opts.cwd ?? opts.env?.HOME ?? tmpdir(),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...opts.env },
    stdin: opts.stdin === undefined ? "ignore" : new Blob([opts.stdin]),
    stdout: "pipe",
    stderr: "pipe",
    timeout: 60_000,
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** Every expected failure must read as a message, never as a JavaScript stack trace. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at /m.test(text);
}

export type StoredAccountFile = { server: string; email: string; kind: string; expires_at: string | null; method?: string; stored_in: string; token?: string };

/** The active account da stored for a server (the only server when none is named), from credentials.json. */
export function storedAccount(configDir: string, server?: string): StoredAccountFile {
  const file = JSON.parse(readFileSync(join(configDir, "credentials.json"), "utf8")) as {
    servers: Record<string, { active: string; accounts: Record<string, StoredAccountFile> }>;
  };
  const entries = Object.entries(file.servers);
  const [, entry] = (server ? entries.find(([url]) => url === server) : entries[0]) ?? [];
  if (!entry) throw new Error(`no stored account for ${server ?? "any server"}`);
  return entry.accounts[entry.active]!;
}
