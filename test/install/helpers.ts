// Running the served install.sh the way a user does (`curl -fsSL …/cli/install.sh | sh`), in a temp
// HOME with a PATH that does not contain the install dir, optionally with stub commands (uname,
// sysctl, ldd, wget) first on PATH to play another platform.
import { chmodSync, linkSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { distTempDir, type BuiltDist } from "../helpers/dist";
import { signRelease, sumsFor } from "../helpers/signing";

export type InstallResult = { code: number; stdout: string; stderr: string };

export const BASE_PATH = "/usr/local/bin:/usr/bin:/bin";

/** A fresh HOME. */
export function tempHome(): string {
  return distTempDir("agnes-install-home-");
}

/** A directory of executable stubs: name → sh script body. */
export function stubDir(stubs: Record<string, string>): string {
  const dir = distTempDir("agnes-stubs-");
  for (const [name, body] of Object.entries(stubs)) {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
  }
  return dir;
}

/** A PATH holding only the given host tools (symlinked), so curl and wget can be left out. */
export function restrictedToolDir(tools: string[]): string {
  const dir = distTempDir("agnes-tools-");
  mkdirSync(dir, { recursive: true });
  for (const tool of tools) {
    const found = Bun.which(tool, { PATH: BASE_PATH });
    if (!found) throw new Error(`test needs ${tool} on the host`);
    symlinkSync(found, join(dir, tool));
  }
  return dir;
}

/** What install.sh itself calls besides a downloader. */
export const SCRIPT_TOOLS = [
  "sh",
  "uname",
  "tr",
  "sed",
  "grep",
  "head",
  "cut",
  "mkdir",
  "chmod",
  "mv",
  "rm",
  "awk",
  "sha256sum",
  "cat",
  "ldd",
  "mktemp",
  "ls",
  "id",
];

/** `curl -fsSL URL/cli/install.sh | sh -s -- ARGS`, as a user runs it. */
export async function pipeInstaller(
  serverUrl: string,
  opts: { home: string; env?: Record<string, string>; args?: string[]; pathPrefix?: string[]; shell?: "sh" | "bash" },
): Promise<InstallResult> {
  const args = (opts.args ?? []).map((a) => `'${a}'`).join(" ");
  const path = [...(opts.pathPrefix ?? []), BASE_PATH].join(":");
  const shell = opts.shell ?? "sh";
  return run(["sh", "-c", `curl -fsSL '${serverUrl}/cli/install.sh' | ${shell} -s -- ${args}`], { HOME: opts.home, PATH: path, ...opts.env });
}

/** Runs an already-fetched script file with `sh`, under exactly the PATH given. */
export async function runScript(script: string, opts: { home: string; path: string; env?: Record<string, string> }): Promise<InstallResult> {
  const file = join(distTempDir("agnes-script-"), "install.sh");
  writeFileSync(file, script);
  return run(["/bin/sh", file], { HOME: opts.home, PATH: opts.path, ...opts.env });
}

export async function run(cmd: string[], env: Record<string, string>, stdin?: string): Promise<InstallResult> {
  const proc = Bun.spawn(cmd, {
    env,
    cwd: env.HOME,
    stdin: stdin === undefined ? "ignore" : new Blob([stdin]),
    stdout: "pipe",
    stderr: "pipe",
    timeout: 120_000,
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/**
 * A copy of a linux-x64 build (hard links) whose manifest promises other bytes than the files hold
 * (one flipped hex digit), for linux-x64 and its baseline twin: the installer and `da update` must refuse it.
 */
export function corruptedCopyOf(build: BuiltDist): string {
  const corruptDir = distTempDir("agnes-corrupt-dist-");
  for (const name of ["da-linux-x64", "da-linux-x64.gz", "da-linux-x64-baseline", "da-linux-x64-baseline.gz"]) {
    linkSync(join(build.dir, name.replace("-baseline", "")), join(corruptDir, name));
  }
  const flip = (sha: string) => (sha[0] === "0" ? "1" : "0") + sha.slice(1);
  const entry = build.manifest.targets.find((t) => t.target === "linux-x64")!;
  const targets = [
    { ...entry, sha256: flip(entry.sha256) },
    { ...entry, target: "linux-x64-baseline", filename: "da-linux-x64-baseline", sha256: flip(entry.sha256) },
  ];
  // Signed like a real release: the signature is fine, the files are not what it promises.
  const sums = sumsFor(targets);
  const manifest = { ...build.manifest, targets, sha256sums: sums, signature: signRelease(sums, build.manifest.version) };
  writeFileSync(join(corruptDir, "manifest.json"), JSON.stringify(manifest));
  return corruptDir;
}
