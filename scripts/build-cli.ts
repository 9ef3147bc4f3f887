// Compiles cli/main.ts into the standalone `da` binary. build.ts imports compileDa for every
// platform; `bun scripts/build-cli.ts` builds the host's binary into dist/da.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pkg from "../package.json" with { type: "json" };
import { chooseTarget, TARGET_NAMES, targetInfo, type Host } from "../src/shared/targets";
import { loadSigningKey, signingKeyPath } from "../src/config/signing-key";
import { publicKeyBase64, publicKeyOf } from "../src/shared/minisign";

const ROOT = join(import.meta.dir, "..");

export type CompileDaOptions = {
  /** A target from src/shared/targets.ts, e.g. "linux-x64-baseline"; default: this machine's. */
  target?: string;
  outfile: string;
  /** Default: package.json's version. */
  version?: string;
  /** Default: the checkout's short commit, or "unknown". */
  commit?: string;
  /**
   * The public key (minisign base64 line) `da update` checks releases against; without one the
   * binary is a dev build that refuses to update itself.
   */
  signingKey?: string;
};

function gitShortCommit(): string {
  const out = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: ROOT, stderr: "ignore" });
  const sha = out.stdout.toString().trim();
  return out.exitCode === 0 && sha ? sha : "unknown";
}

function hostMachine(): Host {
  const os = process.platform === "win32" ? "windows" : process.platform;
  if (os !== "linux" && os !== "darwin" && os !== "windows") throw new Error(`da is not built for ${process.platform}`);
  const arch = process.arch;
  if (arch !== "x64" && arch !== "arm64") throw new Error(`da is not built for ${process.arch}`);
  let musl = false;
  let avx2 = true;
  if (os === "linux") {
    musl = readdirSync("/lib").some((name) => name.startsWith("ld-musl-"));
    avx2 = /\bavx2\b/.test(readFileSync("/proc/cpuinfo", "utf8"));
  }
  return { os, arch, musl, avx2 };
}

/** The build install.sh would give this machine, by the same rule. */
export function hostTarget(): string {
  const choice = chooseTarget(hostMachine(), TARGET_NAMES);
  if (!choice.target) throw new Error(`no da target fits this machine (${choice.wanted})`);
  return choice.target;
}

export async function compileDa(opts: CompileDaOptions): Promise<void> {
  const version = opts.version ?? pkg.version;
  const commit = opts.commit ?? gitShortCommit();
  // Always an explicit target, even for the host: the name baked in must be the runtime inside.
  const target = opts.target ?? hostTarget();
  const info = targetInfo(target);
  if (!info) throw new Error(`unknown da target "${target}"; known: ${TARGET_NAMES.join(", ")}`);
  const result = await Bun.build({
    entrypoints: [join(ROOT, "cli/main.ts")],
    compile: {
      target: info.bunTarget as Bun.Build.CompileTarget,
      outfile: opts.outfile,
      // A .env or bunfig.toml in the directory da runs in must not redirect it (or its token).
      autoloadDotenv: false,
      autoloadBunfig: false,
    },
    // Splitting keeps the prompt library (and the node:readline/tty it pulls in) in a chunk that
    // loads only when a prompt is shown: `da --version` starts about twice as fast.
    splitting: true,
    minify: true,
    bytecode: true,
    format: "esm",
    define: {
      DA_VERSION: JSON.stringify(version),
      DA_COMMIT: JSON.stringify(commit),
      DA_TARGET: JSON.stringify(info.target),
      ...(opts.signingKey ? { DA_SIGNING_PUBKEY: JSON.stringify(opts.signingKey) } : {}),
    },
    throw: false,
  });
  if (!result.success) {
    const messages = result.logs.map((log) => String(log)).join("\n");
    throw new Error(`building da for ${info.target} failed:\n${messages}`);
  }
}

/** The deployment's public key when its key file exists (this never makes a key). */
function existingSigningKey(): string | undefined {
  const file = signingKeyPath(process.env);
  return existsSync(file) ? publicKeyBase64(publicKeyOf(loadSigningKey(file))) : undefined;
}

if (import.meta.main) {
  const outfile = join(ROOT, "dist", process.platform === "win32" ? "da.exe" : "da");
  const signingKey = existingSigningKey();
  await compileDa({ outfile, signingKey });
  console.log(`built ${outfile}${signingKey ? "" : " (no DA_SIGNING_KEY file: a dev build, da update will refuse to run)"}`);
}
